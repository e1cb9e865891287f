#!/usr/bin/env python3
"""Writes target/bench/results.md from one run of scripts/bench.sh: the paired run's summary (results.json,
made by bench_paired.py from paired.json), the C baselines run alone (c-*.txt, for reference), S4 (C and JMH,
run one after the other) and S7 (memory.txt, c-cycles.txt). Every number is read from those files; the
targets are judged here on the same numbers, per pair where the run is paired."""
import json
import os

from bench_paired import fmt, fmt_range, fmt_spread, spread

out = os.environ.get("BENCH_OUT", "target/bench")


def keyvalues(name):
    path = f"{out}/{name}"
    if not os.path.exists(path):
        return None
    values = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith(("round ", "run ", "sample ")):
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    return values


with open(f"{out}/results.json") as f:
    results = json.load(f)
metrics = results["metrics"]

# The C baselines in a process of their own, run after the pairs: not paired, only to show what the same loop
# costs outside a JVM.
alone = {}
for name, metric, key in (("c-handshake.txt", "S1.handshake", "median_ms"),
                          ("c-bulk-single.txt", "S2.single", "records_per_s"),
                          ("c-bulk-batched.txt", "S2.batched", "records_per_s"),
                          ("c-pingpong.txt", "S3.median", "median_us"), ("c-pingpong.txt", "S3.p99", "p99_us"),
                          ("c-calls.txt", "S5.requireCloseNotify", "require_close_notify_ns"),
                          ("c-calls.txt", "S5.protocolVersion", "protocol_version_ns"),
                          ("c-calls.txt", "S5.notify", "notify_ns"),
                          ("c-dispatch.txt", "S6.median", "median_us"), ("c-dispatch.txt", "S6.p99", "p99_us")):
    values = keyvalues(name)
    if values and key in values:
        alone[metric] = float(values[key])

lines = [
    "# Benchmarks: gdtls-java next to C on libgio and the JDK's DTLS",
    "",
    f"Made by `scripts/bench.sh`. S1, S2, S3, S5 and S6 are paired: {results['forks']} JVMs one after the other,",
    f"each {results['pairs']} pairs of rounds after {results['warmup']} warm-up pairs; in a pair C and the binding (and"
    " the JDK)",
    "run back to back, the C round first in every other pair; S6's threads share one CPU. A ratio is the median of",
    "the pairs' ratios, then [interquartile range] and (min–max) over the pairs. For ms, µs and ns below 1 is faster",
    "than C, for records/s above 1. — : not measured there. \"C alone\" is the same C loop in a process of its own,",
    "run after the pairs: for reference, not paired.",
    "",
    "| scenario | unit | binding | C (libgio, same JVM) | JDK DTLS | binding/C | JDK/C | C alone |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
]
for mid, m in metrics.items():
    jdk = m.get("jdk_median")
    jdk_ratio = fmt_range(m["jdk_ratio"]) if jdk is not None else "—"
    lines.append(f"| {m['title']} | {m['unit']} | {fmt(m['binding_median'])} | {fmt(m['c_median'])} | {fmt(jdk)}"
                 f" | {fmt_range(m['ratio'])} | {jdk_ratio} | {fmt(alone.get(mid))} |")

lines += ["", "Java heap allocated per operation, read per round from the benchmark thread's allocation counter"
          " (median [interquartile range] over the rounds):", "",
          "| scenario | operation | binding B/op | JDK B/op |", "|---|---|---:|---:|"]
seen = set()
for mid, m in metrics.items():
    scenario = mid.split(".")[0] if mid.startswith(("S1", "S3", "S6")) else mid
    if scenario in seen:
        continue
    seen.add(scenario)
    jdk = fmt_spread(m["jdk_bytes_per_op"]) if "jdk_bytes_per_op" in m else "—"
    lines.append(f"| {m['title'].split(',')[0]} | one {m['operation']} | {fmt_spread(m['binding_bytes_per_op'])}"
                 f" | {jdk} |")

# S4 (not paired: 128 pairs of handshakes take seconds per round, GnuTLS's sleeps set the pace).
s4 = None
c_pairs = keyvalues("c-handshakes.txt")
if c_pairs and os.path.exists(f"{out}/jmh-s4.json"):
    with open(f"{out}/jmh-s4.json") as f:
        jmh = json.load(f)[0]
    raw = [v for fork in jmh["primaryMetric"]["rawData"] for v in fork]
    pairs = int(jmh["params"]["pairs"])
    assert pairs == int(c_pairs["pairs"]), "C and Java ran different pair counts"
    binding_hs = pairs / (sorted(raw)[(len(raw) - 1) // 2] / 1000)
    s4 = (pairs, binding_hs, float(c_pairs["median_handshakes_per_s"]), len(raw), c_pairs["rounds"])
    lines += ["", f"S4, {pairs} concurrent handshakes (C {s4[4]} rounds, then JMH {s4[3]} single shots; not"
              f" paired): binding {fmt(binding_hs)} handshakes/s, C {fmt(s4[2])}, ratio {binding_hs / s4[2]:.3f}."]


def judge(name, values, op, limit, measured):
    """A target on per-pair values: met by the median, and whether the spread crosses the limit."""
    ok = (lambda v: v <= limit) if op == "<=" else (lambda v: v >= limit)
    met = ok(values["median"])
    crosses = ok(values["q1"]) != ok(values["q3"])
    verdict = ("yes" if met else "NO") + (", spread crosses it" if crosses else "")
    return name, verdict, measured


def per_pair(mid, kind):
    return metrics[mid][kind]


targets = [
    judge("S1 handshake median within 3 % of C", per_pair("S1.handshake", "ratio"), "<=", 1.03,
          f"{fmt_spread(per_pair('S1.handshake', 'ratio'), 3)} x C"),
    judge("S2 single >= 0.95 x C single", per_pair("S2.single", "ratio"), ">=", 0.95,
          f"{fmt_spread(per_pair('S2.single', 'ratio'), 3)} x C"),
    judge("S2 batched >= 1.0 x C batched (same calls)", per_pair("S2.batched", "ratio"), ">=", 1.0,
          f"{fmt_spread(per_pair('S2.batched', 'ratio'), 3)} x C"),
    judge("S3 median <= C + 1.5 µs", per_pair("S3.median", "difference"), "<=", 1.5,
          f"C + {fmt_spread(per_pair('S3.median', 'difference'))} µs"),
]
for getter in ("requireCloseNotify", "protocolVersion"):
    d = per_pair(f"S5.{getter}", "difference")
    targets.append(judge(f"S5 getter {getter}(): binding - C <= 50 ns", d, "<=", 50,
                         f"+{fmt_spread(d, 1)} ns over C's {fmt(metrics[f'S5.{getter}']['c_median'], 1)} ns"))
s6 = metrics["S6.median"]
s6_binding = spread(s6["binding"])
targets.append(judge("S6 median <= 20 µs", s6_binding, "<=", 20,
                     f"{fmt_spread(s6_binding)} µs; C in the same pairs {fmt(s6['c_median'])} µs"))
allocations = {mid: metrics[mid]["binding_bytes_per_op"] for mid in ("S2.single", "S2.batched", "S3.median")}
worst = max(allocations.values(), key=lambda s: s["q3"])
targets.append(judge("S2/S3 ~0 B/op (<= 1 B per record or round trip)", worst, "<=", 1,
                     ", ".join(f"{mid.split('.')[0] if mid.startswith('S3') else mid} {fmt(s['median'], 3)}"
                               for mid, s in allocations.items()) + " B/op"))
if s4:
    targets.append(("S4 within 3 % of C (not paired)", "yes" if s4[1] >= 0.97 * s4[2] else "NO",
                    f"{s4[1] / s4[2]:.3f} x C"))

memory = keyvalues("memory.txt")
c_memory = keyvalues("c-cycles.txt")
if memory:
    growth_mb = float(memory["rss_growth_kb"]) / 1024
    c_note = "" if not c_memory else f"; C alone: {float(c_memory['rss_growth_kb']) / 1024:.2f} MB"
    targets.append((f"S7 {memory['cycles']} cycles: RSS growth < 2 MB and no live GObjects",
                    "yes" if growth_mb < 2 and int(memory["live_gobjects"]) == 0 else "NO",
                    f"RSS growth {growth_mb:.2f} MB (JVM's own, by NMT: {memory['jvm_committed_growth_kb']} kB;"
                    f" malloc in use: {memory.get('malloc_in_use_growth_kb', 'unmeasured')} kB)"
                    f"{c_note}, live GObjects {memory['live_gobjects']}"))
else:
    targets.append(("S7 memory", "—", "not run (MEMORY_CYCLES=0)"))

lines += ["", "Targets:", "", "| target | met | measured |", "|---|---|---|"]
lines += [f"| {name} | {met} | {measured} |" for name, met, measured in targets]

if memory:
    lines += ["", f"S7 memory: {memory['cycles']} connect/handshake/close cycles, {memory['concurrency']} at once;"
              f" RSS {memory['rss_before_kb']} kB after {memory['warmup_cycles']} warm-up cycles,"
              f" {memory['rss_after_kb']} kB after all (growth {memory['rss_growth_kb']} kB);"
              f" GObjects still alive by the oracle's count: {memory['live_gobjects']}"
              f" ({memory.get('live_gobjects_how', '')}); JVM-committed growth by Native Memory Tracking:"
              f" {memory['jvm_committed_growth_kb']} kB; bytes in use by glibc malloc (malloc_info) grew"
              f" {memory.get('malloc_in_use_growth_kb', 'unmeasured')} kB; after the measurement, malloc_trim(0)"
              f" brought RSS to {memory.get('rss_after_malloc_trim_kb', 'unmeasured')} kB; {memory['seconds']} s."]
if c_memory:
    lines += ["", f"S7 in C (gdtls-bench-cycles, same batches on libgio): {c_memory['cycles']} cycles,"
              f" {c_memory['concurrency']} at once; RSS growth {c_memory['rss_growth_kb']} kB; bytes in use by"
              f" glibc malloc grew {c_memory.get('malloc_in_use_growth_kb', 'unmeasured')} kB;"
              f" {c_memory['seconds']} s."]

machine = results["machine"]
lines += [
    "",
    "Machine:",
    f"- nproc: {machine['nproc']}; CPU: {machine['cpu']}",
    f"- kernel: {machine['kernel']} (systemd-detect-virt: {machine['virt'] or 'unknown'})",
    f"- load average before the pairs: {results['load']}",
    f"- JDK: {results['java']}",
    f"- {machine['gio']}",
    f"- source: {results['commit']}, {results['date']}",
    "",
    f"Run time: build {os.environ.get('BUILD_SECONDS')} s, pairs {os.environ.get('PAIRED_SECONDS')} s, C alone"
    f" {os.environ.get('C_SECONDS')} s, S4 {os.environ.get('S4_SECONDS')} s, memory {os.environ.get('MEMORY_SECONDS')} s.",
    "Raw output next to this file: `paired-N.json` (every round of JVM N), `results.json` (its summary, what"
    " `scripts/bench.sh --record` keeps), `c-*.txt`, `jmh-s4.json`, `memory.txt`.",
]
with open(f"{out}/results.md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
