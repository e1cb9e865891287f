#!/usr/bin/env python3
"""Writes target/bench/results.md from one run of scripts/bench.sh: the C baselines' key=value output
(c-*.txt), JMH's JSON (jmh-all.json) and the memory check (memory.txt). Every number is read from those
files; the targets of issue 6 are checked here against the same numbers."""
import json
import math
import os

out = os.environ.get("BENCH_OUT", "target/bench")


def keyvalues(name):
    values = {}
    with open(f"{out}/{name}") as f:
        for line in f:
            if "=" in line and not line.startswith(("round ", "run ", "sample ")):
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    return values


def nearest_rank(values, p):
    values = sorted(values)
    return values[max(1, math.ceil(p / 100 * len(values))) - 1]


jmh = {}
for r in json.load(open(f"{out}/jmh-all.json")):
    cls, method = r["benchmark"].rsplit(".", 2)[-2:]
    mode = r.get("params", {}).get("mode")
    jmh[(cls, method, mode)] = r


def bench(cls, method, mode=None):
    return jmh[(cls, method, mode)]


def raw(r):
    return [v for fork in r["primaryMetric"]["rawData"] for v in fork]


def unit(r, expected):
    got = r["primaryMetric"]["scoreUnit"]
    assert got == expected, f"{r['benchmark']}: unit {got}, expected {expected}"
    return r


def percentile(r, p):
    return r["primaryMetric"]["scorePercentiles"][p]


def alloc_norm(r):
    for key, metric in r.get("secondaryMetrics", {}).items():
        if key.endswith("gc.alloc.rate.norm"):
            return metric["score"]
    return None


def median_raw(r):
    return nearest_rank(raw(r), 50)


c_hs = keyvalues("c-handshake.txt")
c_bulk = {m: keyvalues(f"c-bulk-{m}.txt") for m in ("single", "batched")}
c_pp = keyvalues("c-pingpong.txt")
c_calls = keyvalues("c-calls.txt")
c_dispatch = keyvalues("c-dispatch.txt")
c_pairs = keyvalues("c-handshakes.txt")

s1 = unit(bench("HandshakeBenchmark", "handshake"), "ms/op")
s1_jdk = unit(bench("JdkHandshakeBenchmark", "handshake"), "ms/op")
s2 = {m: unit(bench("BulkBenchmark", "transfer", m), "ops/s") for m in ("single", "batched")}
s2_jdk = unit(bench("JdkBulkBenchmark", "transfer"), "ops/s")
s3 = unit(bench("PingPongBenchmark", "roundTrip"), "us/op")
s3_jdk = unit(bench("JdkPingPongBenchmark", "roundTrip"), "us/op")
s4 = unit(bench("ConcurrentHandshakesBenchmark", "handshakes"), "ms/op")
s5 = {m: unit(bench("CallOverheadBenchmark", m), "ns/op")
      for m in ("requireCloseNotify", "protocolVersion", "setWithNotify")}
s6 = unit(bench("PumpDispatchBenchmark", "dispatch"), "us/op")

pairs = int(s4["params"]["pairs"])
assert pairs == int(c_pairs["pairs"]), "C and Java ran different pair counts"
s4_hs_per_s = pairs / (median_raw(s4) / 1000)
record_bytes = 1200
records = int(c_bulk["single"]["records"])


def fmt(v, digits=2):
    if v is None:
        return "—"
    if abs(v) >= 10000:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.2f}"


# (scenario, unit, binding, C, JDK, better: "lower"/"higher")
rows = [
    ("S1 handshake, median", "ms", median_raw(s1), float(c_hs["median_ms"]), median_raw(s1_jdk), "lower"),
    ("S1 handshake, min", "ms", min(raw(s1)), float(c_hs["min_ms"]), min(raw(s1_jdk)), "lower"),
]
for m in ("single", "batched"):
    jdk = median_raw(s2_jdk) if m == "single" else None
    rows.append((f"S2 bulk {m}, records/s", "records/s", median_raw(s2[m]), float(c_bulk[m]["records_per_s"]), jdk,
                 "higher"))
    rows.append((f"S2 bulk {m}, MB/s", "MB/s", median_raw(s2[m]) * record_bytes / 1e6, float(c_bulk[m]["mb_per_s"]),
                 None if jdk is None else jdk * record_bytes / 1e6, "higher"))
rows += [
    ("S3 ping-pong 64 B, median", "µs", percentile(s3, "50.0"), float(c_pp["median_us"]), percentile(s3_jdk, "50.0"),
     "lower"),
    ("S3 ping-pong 64 B, p99", "µs", percentile(s3, "99.0"), float(c_pp["p99_us"]), percentile(s3_jdk, "99.0"),
     "lower"),
    (f"S4 {pairs} concurrent handshakes, median", "handshakes/s", s4_hs_per_s,
     float(c_pairs["median_handshakes_per_s"]), None, "higher"),
    ("S5 getter requireCloseNotify()", "ns/op", s5["requireCloseNotify"]["primaryMetric"]["score"],
     float(c_calls["require_close_notify_ns"]), None, "lower"),
    ("S5 getter protocolVersion()", "ns/op", s5["protocolVersion"]["primaryMetric"]["score"],
     float(c_calls["protocol_version_ns"]), None, "lower"),
    ("S5 set + notify emission", "ns/op", s5["setWithNotify"]["primaryMetric"]["score"], float(c_calls["notify_ns"]),
     None, "lower"),
    ("S6 pump dispatch, median", "µs", percentile(s6, "50.0"), float(c_dispatch["median_us"]), None, "lower"),
    ("S6 pump dispatch, p99", "µs", percentile(s6, "99.0"), float(c_dispatch["p99_us"]), None, "lower"),
]

lines = [
    "# Benchmarks: gdtls-java next to C on libgio and the JDK's DTLS",
    "",
    "Made by `scripts/bench.sh` in one run. Ratios are against C (libgio called directly); for ms, µs and ns",
    "below 1 is faster than C, for records/s, MB/s and handshakes/s above 1 is faster. — : not measured there.",
    "",
    "| scenario | unit | binding | C (libgio) | JDK DTLS | binding/C | JDK/C |",
    "|---|---|---:|---:|---:|---:|---:|",
]
for name, u, b, c, j, _ in rows:
    lines.append(f"| {name} | {u} | {fmt(b)} | {fmt(c)} | {fmt(j)} | {ratio(b, c)} | {ratio(j, c)} |")

# Allocation per operation (JMH -prof gc, gc.alloc.rate.norm).
lines += ["", "Java heap allocated per operation (JMH `-prof gc`, `gc.alloc.rate.norm`):", "",
          "| benchmark | operation | binding B/op | JDK B/op |", "|---|---|---:|---:|"]
lines.append(f"| S2 bulk single | one record | {fmt(alloc_norm(s2['single']))} | {fmt(alloc_norm(s2_jdk))} |")
lines.append(f"| S2 bulk batched | one record | {fmt(alloc_norm(s2['batched']))} | — |")
lines.append(f"| S3 ping-pong | one round trip | {fmt(alloc_norm(s3))} | {fmt(alloc_norm(s3_jdk))} |")
for m in ("requireCloseNotify", "protocolVersion", "setWithNotify"):
    lines.append(f"| S5 {m} | one call | {fmt(alloc_norm(s5[m]))} | — |")

memory = c_memory = None
if os.path.exists(f"{out}/memory.txt"):
    memory = keyvalues("memory.txt")
if os.path.exists(f"{out}/c-cycles.txt"):
    c_memory = keyvalues("c-cycles.txt")

# The targets of issue 6, checked against the numbers above.
c_bulk_rs = {m: float(c_bulk[m]["records_per_s"]) for m in ("single", "batched")}
b_bulk_rs = {m: median_raw(s2[m]) for m in ("single", "batched")}
targets = [
    ("S1 handshake median within 3 % of C", median_raw(s1) <= 1.03 * float(c_hs["median_ms"]),
     f"{median_raw(s1) / float(c_hs['median_ms']):.3f} x C"),
    ("S2 single >= 0.95 x C single", b_bulk_rs["single"] >= 0.95 * c_bulk_rs["single"],
     f"{b_bulk_rs['single'] / c_bulk_rs['single']:.3f} x C"),
    ("S2 batched >= 1.0 x C batched (same calls)", b_bulk_rs["batched"] >= c_bulk_rs["batched"],
     f"{b_bulk_rs['batched'] / c_bulk_rs['batched']:.3f} x C batched"),
    ("S2 batched >= 1.0 x C single (best C)", b_bulk_rs["batched"] >= c_bulk_rs["single"],
     f"{b_bulk_rs['batched'] / c_bulk_rs['single']:.3f} x C single"),
    ("S3 median <= C + 1.5 µs", percentile(s3, "50.0") <= float(c_pp["median_us"]) + 1.5,
     f"C {percentile(s3, '50.0') - float(c_pp['median_us']):+.2f} µs"),
    ("S4 within 3 % of C", s4_hs_per_s >= 0.97 * float(c_pairs["median_handshakes_per_s"]),
     f"{s4_hs_per_s / float(c_pairs['median_handshakes_per_s']):.3f} x C"),
    ("S5 getter <= 50 ns (requireCloseNotify)", s5["requireCloseNotify"]["primaryMetric"]["score"] <= 50,
     f"{s5['requireCloseNotify']['primaryMetric']['score']:.1f} ns; C alone "
     f"{float(c_calls['require_close_notify_ns']):.1f} ns, binding - C: "
     f"{s5['requireCloseNotify']['primaryMetric']['score'] - float(c_calls['require_close_notify_ns']):+.1f} ns"),
    ("S6 median <= 20 µs", percentile(s6, "50.0") <= 20, f"{percentile(s6, '50.0'):.2f} µs"),
    ("S2/S3 ~0 B/op (<= 1 B per record or round trip)",
     all(a is not None and a <= 1 for a in (alloc_norm(s2["single"]), alloc_norm(s2["batched"]), alloc_norm(s3))),
     f"single {fmt(alloc_norm(s2['single']))}, batched {fmt(alloc_norm(s2['batched']))},"
     f" ping-pong {fmt(alloc_norm(s3))} B/op"),
]
if memory:
    growth_mb = float(memory["rss_growth_kb"]) / 1024
    c_note = "" if not c_memory else f"; C alone: {float(c_memory['rss_growth_kb']) / 1024:.2f} MB"
    targets.append((f"S7 {memory['cycles']} cycles: RSS growth < 2 MB and no live GObjects",
                    growth_mb < 2 and int(memory["live_gobjects"]) == 0,
                    f"RSS growth {growth_mb:.2f} MB (JVM's own, by NMT: {memory['jvm_committed_growth_kb']} kB;"
                    f" malloc in use: {memory.get('malloc_in_use_growth_kb', 'unmeasured')} kB)"
                    f"{c_note}, live GObjects {memory['live_gobjects']}"))
else:
    targets.append(("S7 memory (10 000 cycles)", None, "not run (MEMORY_CYCLES=0)"))

lines += ["", "Targets (issue 6):", "", "| target | met | measured |", "|---|---|---|"]
for name, met, measured in targets:
    lines.append(f"| {name} | {'—' if met is None else 'yes' if met else 'NO'} | {measured} |")

if memory:
    lines += ["", f"S7 memory: {memory['cycles']} connect/handshake/close cycles, {memory['concurrency']} at once;"
              f" RSS {memory['rss_before_kb']} kB after {memory['warmup_cycles']} warm-up cycles,"
              f" {memory['rss_after_kb']} kB after all (growth {memory['rss_growth_kb']} kB);"
              f" GObjects still alive by the oracle's count: {memory['live_gobjects']}"
              f" ({memory.get('live_gobjects_how', '')}); JVM-committed growth by Native Memory Tracking:"
              f" {memory['jvm_committed_growth_kb']} kB; bytes in use by glibc malloc (malloc_info) grew"
              f" {memory.get('malloc_in_use_growth_kb', 'unmeasured')} kB; RSS every 1024 cycles:"
              f" {memory.get('rss_every_1024_cycles_kb', '')} kB; after the measurement, malloc_trim(0) brought"
              f" RSS to {memory.get('rss_after_malloc_trim_kb', 'unmeasured')} kB; {memory['seconds']} s."]
if c_memory:
    lines += ["", f"S7 in C (gdtls-bench-cycles, same batches on libgio): {c_memory['cycles']} cycles,"
              f" {c_memory['concurrency']} at once; RSS {c_memory['rss_before_kb']} kB after"
              f" {c_memory['warmup_cycles']} warm-up cycles, {c_memory['rss_after_kb']} kB after all"
              f" (growth {c_memory['rss_growth_kb']} kB); bytes in use by glibc malloc grew"
              f" {c_memory.get('malloc_in_use_growth_kb', 'unmeasured')} kB; RSS every 1024 cycles:"
              f" {c_memory.get('rss_every_1024_cycles_kb', '')} kB; {c_memory['seconds']} s."]

j = s2["single"]
lines += [
    "",
    "What was measured (both ends of every data-path scenario on one thread, so the numbers are CPU cost,",
    "not thread wakeups; see docs/performance.md):",
    f"- S1: fresh client+server pair, both sync handshakes at once (server on a second thread); C"
    f" {c_hs['samples']} samples after {c_hs['warmup_samples']} warm-up, binding {len(raw(s1))} JMH single shots"
    f" after {s1['warmupIterations']}, JDK {len(raw(s1_jdk))} after {s1_jdk['warmupIterations']} (both JDK engines"
    " on one thread).",
    f"- S2: {records} records of {record_bytes} B client->server, an 8-byte ack every 64; C median of"
    f" {c_bulk['single']['runs']} runs after {c_bulk['single']['warmup_runs']} warm-up; JMH: median of"
    f" {len(raw(j))} iterations of {j['measurementTime']} (one op = one record) after"
    f" {j['warmupIterations']} x {j['warmupTime']}.",
    f"- S3: C {c_pp['samples']} samples after {c_pp['warmup_samples']}; JMH SampleTime,"
    f" {s3['measurementIterations']} x {s3['measurementTime']} after {s3['warmupIterations']} x {s3['warmupTime']}.",
    f"- S4: {pairs} pairs, all handshake_async at once on one context / MainContextPump; C median of"
    f" {c_pairs['rounds']} rounds, JMH median of {len(raw(s4))} single shots.",
    f"- S5: C median of {c_calls['rounds']} rounds of {c_calls['getter_calls']} getter calls and"
    f" {c_calls['notify_calls']} sets; JMH AverageTime {s5['protocolVersion']['measurementIterations']} x"
    f" {s5['protocolVersion']['measurementTime']}.",
    f"- S6: C {c_dispatch['samples']} samples of g_main_context_invoke_full -> GCond; JMH SampleTime of"
    " pump.execute -> future.join.",
    "",
    "Machine:",
    f"- nproc: {os.environ.get('MACHINE_NPROC')}; CPU: {os.environ.get('MACHINE_CPU')}",
    f"- kernel: {os.environ.get('MACHINE_KERNEL')} (systemd-detect-virt: {os.environ.get('MACHINE_VIRT') or 'unknown'})",
    f"- load average at the end: {os.environ.get('MACHINE_LOAD')}",
    f"- JDK: {j['vmName']} {j['vmVersion']} ({j['jvm']}), JMH {j['jmhVersion']}",
    f"- {os.environ.get('MACHINE_GIO')}",
    f"- source: {os.environ.get('SOURCE_REVISION')}",
    "",
    f"Run time: build {os.environ.get('BUILD_SECONDS')} s, C {os.environ.get('C_SECONDS')} s,"
    f" JMH {os.environ.get('JAVA_SECONDS')} s, memory {os.environ.get('MEMORY_SECONDS')} s.",
    "Raw output: `c-*.txt`, `jmh-all.txt`, `jmh-all.json`, `memory.txt` next to this file.",
]
with open(f"{out}/results.md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
