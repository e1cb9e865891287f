#!/usr/bin/env python3
"""The paired runs' statistics (issue 16), for scripts/bench_report.py and scripts/bench.sh --check.

A paired run (org.gdtls.bench.PairedRun, in several JVMs) gives, per metric, one C, one binding and maybe one
JDK figure per pair of rounds run back to back. Each pair gives a ratio (binding/C, JDK/C); a metric is summed
up by the median of those ratios, their interquartile range (nearest rank) and their range, min to max. Two
results agree when each one's median lies within the other's range: a run with another JVM launch, or a busy
neighbour, moves a median by about 1 %, often out of the other run's interquartile range (reported as drift,
not as a change) but not out of its range.

    bench_paired.py summary OUT_JSON PAIRED_JSON... # ratios, medians and spreads over every JVM's pairs, plus
                                                    # machine and commit (from the environment)
    bench_paired.py check RECORDED_JSON NEW_JSON   # what moved beyond its spread; exit 1 if anything got worse
"""
import json
import math
import os
import statistics
import sys

# A round's heap bytes per operation may grow by this much over the recorded range before --check calls it a
# change: 1 byte (JIT and JMX bookkeeping move the counter by a fraction of a byte per operation), or 1 % where
# an operation allocates anyway (a handshake's 9.5 kB grew by 32 B with one more field object per connection).
BYTES_TOLERANCE = 1.0
BYTES_TOLERANCE_SHARE = 0.01


def nearest_rank(values, p):
    values = sorted(values)
    return values[max(1, math.ceil(p / 100 * len(values))) - 1]


def spread(values):
    return {"median": statistics.median(values), "q1": nearest_rank(values, 25), "q3": nearest_rank(values, 75),
            "min": min(values), "max": max(values)}


def merge(runs):
    """The pairs of several JVMs' paired runs as one: each figure's list is the runs' lists end to end."""
    merged = json.loads(json.dumps(runs[0]))
    merged["forks"] = len(runs)
    for run in runs[1:]:
        for into, scenario in zip(merged["scenarios"], run["scenarios"]):
            assert into["id"] == scenario["id"], "the JVMs ran different scenarios"
            for key in ("binding_bytes_per_op", "jdk_bytes_per_op"):
                if into[key] is not None:
                    into[key] += scenario[key]
            for m_into, m in zip(into["metrics"], scenario["metrics"]):
                for side in ("c", "binding", "jdk"):
                    if m_into[side] is not None:
                        m_into[side] += m[side]
    return merged


def summarize(paired, env=os.environ):
    """Per metric: the raw figures, each side's median, and the per-pair ratios' median and spread."""
    metrics = {}
    for scenario in paired["scenarios"]:
        bytes_per_op = scenario["binding_bytes_per_op"]
        for m in scenario["metrics"]:
            c, binding, jdk = m["c"], m["binding"], m["jdk"]
            entry = {k: m[k] for k in ("title", "unit", "higher_is_better", "c", "binding", "jdk")}
            entry.update(
                operation=scenario["operation"],
                c_median=statistics.median(c),
                binding_median=statistics.median(binding),
                ratio=spread([b / a for a, b in zip(c, binding)]),
                difference=spread([b - a for a, b in zip(c, binding)]),
                binding_bytes_per_op=spread(bytes_per_op),
            )
            if jdk:
                entry.update(jdk_median=statistics.median(jdk), jdk_ratio=spread([j / a for a, j in zip(c, jdk)]),
                             jdk_bytes_per_op=spread(scenario["jdk_bytes_per_op"]))
            metrics[m["id"]] = entry
    return {
        "commit": env.get("SOURCE_REVISION", "unknown"),
        "date": env.get("RUN_DATE", ""),
        "load": env.get("RUN_LOAD", ""),
        "machine": {k: env.get(v, "") for k, v in (("cpu", "MACHINE_CPU"), ("nproc", "MACHINE_NPROC"),
                                                    ("kernel", "MACHINE_KERNEL"), ("virt", "MACHINE_VIRT"),
                                                    ("gio", "MACHINE_GIO"))},
        "java": paired["java"],
        "forks": paired.get("forks", 1),
        "pairs": paired["pairs"],
        "warmup": paired["warmup"],
        "metrics": metrics,
    }


def fmt(v, digits=2):
    if v is None:
        return "—"
    if abs(v) >= 10000:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def fmt_spread(s, digits=2):
    return f"{fmt(s['median'], digits)} [{fmt(s['q1'], digits)}–{fmt(s['q3'], digits)}]"


def fmt_range(s, digits=2):
    """median [interquartile range] (min–max)"""
    return f"{fmt_spread(s, digits)} ({fmt(s['min'], digits)}–{fmt(s['max'], digits)})"


def within(a, b, low="min", high="max"):
    """True when a's median lies in b's range (or, with q1/q3, in its interquartile range)."""
    return b[low] <= a["median"] <= b[high]


def agree(a, b, low="min", high="max"):
    return within(a, b, low, high) and within(b, a, low, high)


def compare(recorded, new):
    """Lines saying, per metric, whether the binding/C ratio and the heap bytes per operation moved beyond their
    spread, and how many got worse."""
    lines, worse = [], 0
    for mid, n in new["metrics"].items():
        r = recorded["metrics"].get(mid)
        if r is None:
            lines.append(f"{mid}: new metric, nothing recorded")
            continue
        verdict = "same" if agree(n["ratio"], r["ratio"], "q1", "q3") else "drift, within the range of the pairs"
        if not agree(n["ratio"], r["ratio"]):
            better = (n["ratio"]["median"] > r["ratio"]["median"]) == n["higher_is_better"]
            verdict = "better" if better else "WORSE"
            worse += not better
        lines.append(f"{mid}: binding/C {fmt_range(n['ratio'], 3)}, recorded {fmt_range(r['ratio'], 3)}: {verdict}")
        nb, rb = n["binding_bytes_per_op"], r["binding_bytes_per_op"]
        if nb["median"] > rb["max"] + max(BYTES_TOLERANCE, BYTES_TOLERANCE_SHARE * rb["max"]):
            worse += 1
            lines.append(f"{mid}: heap bytes per {n['operation']} {fmt(nb['median'])}, recorded"
                         f" {fmt_spread(rb)}: WORSE")
    return lines, worse


def main(argv):
    if len(argv) >= 4 and argv[1] == "summary":
        runs = []
        for path in argv[3:]:
            with open(path) as f:
                runs.append(json.load(f))
        results = summarize(merge(runs))
        with open(argv[2], "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return 0
    if len(argv) == 4 and argv[1] == "check":
        with open(argv[2]) as f:
            recorded = json.load(f)
        with open(argv[3]) as f:
            new = json.load(f)
        print(f"recorded: {recorded['commit']} on {recorded['machine']['cpu']} ({recorded['machine']['nproc']} CPUs),"
              f" {recorded['date']}, load {recorded['load']}")
        print(f"this run: {new['commit']} on {new['machine']['cpu']} ({new['machine']['nproc']} CPUs),"
              f" {new['date']}, load {new['load']}")
        if recorded["machine"]["cpu"] != new["machine"]["cpu"]:
            print("note: another CPU than the recorded run's; ratios move less than times, but they move")
        lines, worse = compare(recorded, new)
        print("\n".join(lines))
        print(f"check: {worse} figure(s) worse beyond their spread" if worse else "check: nothing got worse")
        return 1 if worse else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
