#!/usr/bin/env bash
# Pump benchmarks (issue 4): the C baselines on libgio (native/bench), then the JMH benchmarks
# (src/bench/java, Maven profile `bench`), reported side by side as ratios in target/bench/pump-results.md.
#   scripts/bench-pump.sh
# Environment: PAIRS (concurrent handshake pairs, default 128; passed to both C and JMH),
#              DISPATCH_SAMPLES (C dispatch samples, default 200000),
#              PIN_CPU (e.g. 0: also run both dispatch benchmarks under `taskset -c $PIN_CPU`, so the waiting
#              thread and the loop thread share CPUs and no idle CPU has to be woken; adds ~30 s).
# Needs what the build needs (scripts/install-deps.sh) plus python3 to read JMH's JSON.
# Every number in the report is read from this run's output; nothing is hardcoded.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

PAIRS="${PAIRS:-128}"
DISPATCH_SAMPLES="${DISPATCH_SAMPLES:-200000}"
out=target/bench
pki=src/test/resources/org/gdtls/pki

for tool in mvn cmake java python3 ${PIN_CPU:+taskset}; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-pump: $tool is required" >&2; exit 1; }
done
mkdir -p "$out"
rm -f "$out/pump-results.md" "$out"/jmh*.json "$out"/c-*.txt "$out"/jmh*.txt
SECONDS=0
phase() { echo; echo "=== $* (t=${SECONDS}s)"; }

phase "build: Java + JMH (mvn -Pbench)"
mvn -B -q -Dstyle.color=never -Pbench -DskipTests test-compile
phase "build: C baselines (cmake -DGDTLS_BUILD_BENCH=ON)"
cmake -S . -B target/bench-cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGDTLS_BUILD_BENCH=ON >/dev/null
cmake --build target/bench-cmake --parallel 2 --target gdtls-bench-dispatch gdtls-bench-handshakes >/dev/null
build_seconds=$SECONDS

phase "C: dispatch latency ($DISPATCH_SAMPLES samples)"
target/bench-cmake/bench/gdtls-bench-dispatch "$DISPATCH_SAMPLES" | tee "$out/c-dispatch.txt"
if [ -n "${PIN_CPU:-}" ]; then
  phase "C: dispatch latency, taskset -c $PIN_CPU"
  taskset -c "$PIN_CPU" target/bench-cmake/bench/gdtls-bench-dispatch "$DISPATCH_SAMPLES" | tee "$out/c-dispatch-pinned.txt"
fi
phase "C: $PAIRS concurrent handshakes (1 warmup + 5 rounds)"
target/bench-cmake/bench/gdtls-bench-handshakes "$pki" "$PAIRS" 5 1 | tee "$out/c-handshakes.txt"
c_seconds=$((SECONDS - build_seconds))

phase "Java: JMH (PumpDispatchBenchmark, ConcurrentHandshakesBenchmark)"
mvn -B -q -Dstyle.color=never -Pbench exec:exec@jmh \
    -Djmh.args="org.gdtls.bench. -p pairs=$PAIRS -rf json -rff $out/jmh.json" | tee "$out/jmh.txt"
[ -s "$out/jmh.json" ] || { echo "bench-pump: JMH wrote no results" >&2; exit 1; }
if [ -n "${PIN_CPU:-}" ]; then
  phase "Java: JMH PumpDispatchBenchmark, taskset -c $PIN_CPU"
  taskset -c "$PIN_CPU" mvn -B -q -Dstyle.color=never -Pbench exec:exec@jmh \
      -Djmh.args="org.gdtls.bench.PumpDispatchBenchmark -rf json -rff $out/jmh-pinned.json" | tee "$out/jmh-pinned.txt"
  [ -s "$out/jmh-pinned.json" ] || { echo "bench-pump: JMH wrote no pinned results" >&2; exit 1; }
fi
java_seconds=$((SECONDS - build_seconds - c_seconds))
phase "done"

export BENCH_OUT="$out" PIN_CPU="${PIN_CPU:-}" BUILD_SECONDS="$build_seconds" C_SECONDS="$c_seconds" JAVA_SECONDS="$java_seconds"
. scripts/bench-machine.sh

python3 - <<'EOF'
import json, math, os

out = os.environ["BENCH_OUT"]

def keyvalues(path):
    values = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("round "):
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    return values

def nearest_rank(values, p):
    values = sorted(values)
    return values[max(1, math.ceil(p / 100 * len(values))) - 1]

c_dispatch = keyvalues(f"{out}/c-dispatch.txt")
c_hs = keyvalues(f"{out}/c-handshakes.txt")
jmh = {r["benchmark"].rsplit(".", 2)[-2]: r for r in json.load(open(f"{out}/jmh.json"))}

j = jmh["PumpDispatchBenchmark"]
d = j["primaryMetric"]
assert d["scoreUnit"] == "us/op", d["scoreUnit"]
j_samples = sum(c for fork in d["rawDataHistogram"] for it in fork for _, c in it)

h = jmh["ConcurrentHandshakesBenchmark"]
hm = h["primaryMetric"]
assert hm["scoreUnit"] == "ms/op", hm["scoreUnit"]
pairs = int(h["params"]["pairs"])
assert pairs == int(c_hs["pairs"]), "C and Java ran different pair counts"
j_times = [v for fork in hm["rawData"] for v in fork]
j_median_s = nearest_rank(j_times, 50) / 1000

rows = [
    ("dispatch latency, median (µs)", float(c_dispatch["median_us"]), d["scorePercentiles"]["50.0"]),
    ("dispatch latency, p99 (µs)", float(c_dispatch["p99_us"]), d["scorePercentiles"]["99.0"]),
    ("dispatch latency, min (µs) — supplementary", float(c_dispatch["min_us"]), d["scorePercentiles"]["0.0"]),
    (f"{pairs} concurrent handshakes, median (handshakes/s)", float(c_hs["median_handshakes_per_s"]),
     pairs / j_median_s),
]

if os.environ["PIN_CPU"]:
    cpu = os.environ["PIN_CPU"]
    c_pinned = keyvalues(f"{out}/c-dispatch-pinned.txt")
    pinned = json.load(open(f"{out}/jmh-pinned.json"))[0]["primaryMetric"]
    assert pinned["scoreUnit"] == "us/op", pinned["scoreUnit"]
    rows[3:3] = [
        (f"dispatch latency, median, taskset -c {cpu} (µs)", float(c_pinned["median_us"]),
         pinned["scorePercentiles"]["50.0"]),
        (f"dispatch latency, p99, taskset -c {cpu} (µs)", float(c_pinned["p99_us"]),
         pinned["scorePercentiles"]["99.0"]),
    ]

lines = [
    "# Pump benchmarks: gdtls-java against C on libgio",
    "",
    "Made by `scripts/bench-pump.sh`. Ratio is Java/C for every row: for latency above 1 means Java is slower;",
    "for handshakes/s below 1 means Java is slower.",
    "",
    "| scenario | C (libgio) | Java (gdtls-java) | ratio Java/C |",
    "|---|---:|---:|---:|",
]
for name, c_value, java_value in rows:
    lines.append(f"| {name} | {c_value:.2f} | {java_value:.2f} | {java_value / c_value:.2f} |")
lines += [
    "",
    "What was measured:",
    f"- dispatch: C `g_main_context_invoke_full` to a thread iterating the context, waiting on a GCond,"
    f" {c_dispatch['samples']} samples after {c_dispatch['warmup_samples']} warm-up;"
    f" Java `pump.execute(() -> future.complete(..))` then `join()`, JMH SampleTime,"
    f" {j['forks']} fork,"
    f" {j['warmupIterations']} x {j['warmupTime']} warm-up,"
    f" {j['measurementIterations']} x {j['measurementTime']}"
    f" measured, {j_samples} samples.",
    f"- handshakes: {pairs} client+server pairs (UDP loopback, connected sockets) started with"
    f" `handshake_async` at once on one GMainContext (Java: one MainContextPump); one pair = one handshake."
    f" C: median of {c_hs['rounds']} rounds after {c_hs['warmup_rounds']} warm-up"
    f" (median {float(c_hs['median_seconds']):.3f} s). Java: JMH SingleShotTime, median of {len(j_times)} shots"
    f" after {h['warmupIterations']} warm-up (median {j_median_s:.3f} s;"
    f" shots: {', '.join(f'{t / 1000:.3f}' for t in j_times)} s).",
    "",
    "Each dispatch sample includes two thread wakeups (loop thread, then the waiting thread); when those threads",
    "sit on different CPUs that went idle, the wakeups rather than the code path can set the median. With",
    "`PIN_CPU=0` the script also runs both dispatch benchmarks confined to one CPU.",
    "",
    "Machine:",
    f"- nproc: {os.environ['MACHINE_NPROC']}",
    f"- CPU: {os.environ['MACHINE_CPU']}",
    f"- kernel: {os.environ['MACHINE_KERNEL']} (systemd-detect-virt: {os.environ['MACHINE_VIRT'] or 'unknown'})",
    f"- load average before the report: {os.environ['MACHINE_LOAD']}",
    f"- JDK: {j['vmName']} {j['vmVersion']} ({j['jvm']}), JMH {j['jmhVersion']}",
    f"- {os.environ['MACHINE_GIO']}",
    f"- source: {os.environ['SOURCE_REVISION']}",
    "",
    f"Run time: build {os.environ['BUILD_SECONDS']} s, C {os.environ['C_SECONDS']} s,"
    f" Java {os.environ['JAVA_SECONDS']} s.",
    "Raw output: `c-*.txt`, `jmh*.txt`, `jmh*.json` next to this file.",
]
with open(f"{out}/pump-results.md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
