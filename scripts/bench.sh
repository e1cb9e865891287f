#!/usr/bin/env bash
# The benchmark suite (issues 6 and 16), written to target/bench/results.md:
#   scripts/bench.sh            # ~9 min on 2 vCPUs: the paired runs, the C baselines alone, S4, S7
#   scripts/bench.sh --check    # ~3 min: only the paired run, compared with docs/benchmarks/recorded.json;
#                               #   prints what moved beyond its spread, exits 1 if anything got worse
#   scripts/bench.sh --record   # the whole suite, then its paired summary becomes docs/benchmarks/recorded.json
#   scripts/bench.sh --smoke    # ~2 min, for CI: builds everything, one short pair per paired scenario, the
#                               #   report; measures nothing, proves the benchmarks still build and run
# S1, S2, S3, S5 and S6 are paired (org.gdtls.bench.PairedRun): C rounds (native/bench/bench_paired.c, called
# from the JVM) and binding rounds alternate in one process, so a neighbour's load hits both sides of a pair.
# The pairs run in PAIRED_FORKS JVMs one after the other: what a JVM's launch decides (JIT choices, code and
# data placement) moves a ratio by a few % from one JVM to the next, more than the pairs of one JVM spread.
# Environment: PAIRED_FORKS (JVMs, default 4), PAIRED_PAIRS (pairs per scenario in each, default 5),
#              RECORDED (the file --check compares with),
#              PAIRS (S4 concurrent handshake pairs, default 128), MEMORY_CYCLES (S7 cycles after 512 warm-up,
#              default 1024, 0 skips it), S8 (1: also scripts/bench-s8.sh for C and the binding, ~25 min more).
# Every number in the report is read from this run's output; nothing is hardcoded.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

mode=full
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --record) mode=record ;;
  --smoke) mode=smoke ;;
  *) echo "usage: $0 [--check|--record|--smoke]" >&2; exit 2 ;;
esac
PAIRED_FORKS="${PAIRED_FORKS:-4}"
PAIRED_PAIRS="${PAIRED_PAIRS:-5}"
paired_args="--pairs $PAIRED_PAIRS"
[ "$mode" != smoke ] || { PAIRED_FORKS=1; paired_args="--pairs 2 --warmup 1 --scale 0.05"; }
PAIRS="${PAIRS:-128}"
MEMORY_CYCLES="${MEMORY_CYCLES:-1024}"
RECORDED="${RECORDED:-docs/benchmarks/recorded.json}"
out=target/bench
pki=src/test/resources/org/gdtls/pki
bin=target/bench-cmake/bench

for tool in mvn cmake java python3 timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is required" >&2; exit 1; }
done
[ "$mode" != check ] || [ -f "$RECORDED" ] || { echo "bench: nothing recorded in $RECORDED" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out/results.md" "$out/results.json" "$out"/paired*.json "$out/paired.txt" "$out"/c-*.txt "$out"/jmh-s4.* "$out"/memory.txt
SECONDS=0
phase() { echo; echo "=== $* (t=${SECONDS}s)"; }
# A lost datagram would block a C baseline for ever: bound each one.
# PIN: a command prefix (taskset) or nothing.
PIN=()
c_bench() { local name=$1; shift; timeout 1800 "${PIN[@]}" "$bin/gdtls-bench-$name" "$@" | tee "$out/c-$name${SUFFIX:-}.txt"; }

phase "build: Java + JMH (mvn -Pbench)"
mvn -B -q -Dstyle.color=never -Pbench -DskipTests test-compile
phase "build: C baselines and the paired runs' C rounds (cmake -DGDTLS_BUILD_BENCH=ON)"
cmake -S . -B target/bench-cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGDTLS_BUILD_BENCH=ON >/dev/null
cmake --build target/bench-cmake --parallel 2 --target gdtls-bench-paired gdtls-bench-handshake gdtls-bench-bulk \
    gdtls-bench-pingpong gdtls-bench-calls gdtls-bench-dispatch gdtls-bench-handshakes gdtls-bench-cycles >/dev/null
build_seconds=$SECONDS

export RUN_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)" RUN_DATE="$(date -u +%Y-%m-%dT%H:%MZ)"
paired_files=()
for fork in $(seq 1 "$PAIRED_FORKS"); do
  phase "paired, JVM $fork of $PAIRED_FORKS: C, binding and JDK rounds alternating ($paired_args)"
  mvn -B -q -Dstyle.color=never -Pbench exec:exec@paired \
      -Dpaired.args="$paired_args --out $out/paired-$fork.json" | tee -a "$out/paired.txt"
  paired_files+=("$out/paired-$fork.json")
done
paired_seconds=$((SECONDS - build_seconds))

. scripts/bench-machine.sh
python3 scripts/bench_paired.py summary "$out/results.json" "${paired_files[@]}"
if [ "$mode" = check ]; then
  phase "check against $RECORDED"
  exec python3 scripts/bench_paired.py check "$RECORDED" "$out/results.json"
fi
if [ "$mode" = smoke ]; then
  BENCH_OUT="$out" python3 scripts/bench_report.py >/dev/null
  python3 scripts/bench_paired.py check "$out/results.json" "$out/results.json" >/dev/null
  echo "bench: smoke run passed (t=${SECONDS}s); nothing here is a measurement"
  exit 0
fi

phase "C alone (each baseline in a process of its own, for reference)"
c_bench handshake "$pki" 5 1
SUFFIX=-single c_bench bulk "$pki" single 3 1 20000
SUFFIX=-batched c_bench bulk "$pki" batched 3 1 20000
c_bench pingpong "$pki" 100000 20000
c_bench calls "$pki" 2000000 5
PIN=(taskset -c "$(($(nproc) - 1))") # S6 on one CPU, as in the pairs, where the kernel allows it
"${PIN[@]}" true 2>/dev/null || PIN=()
c_bench dispatch 100000 10000
PIN=()
c_seconds=$((SECONDS - build_seconds - paired_seconds))

phase "S4: $PAIRS concurrent handshakes, C then JMH (not paired: each round takes seconds)"
c_bench handshakes "$pki" "$PAIRS" 5 1
mvn -B -q -Dstyle.color=never -Pbench exec:exec@jmh \
    -Djmh.args="org.gdtls.bench.ConcurrentHandshakesBenchmark -p pairs=$PAIRS -rf json -rff $out/jmh-s4.json" \
    | tee "$out/jmh-s4.txt"
s4_seconds=$((SECONDS - build_seconds - paired_seconds - c_seconds))

memory_seconds=0
if [ "$MEMORY_CYCLES" -gt 0 ]; then
  phase "S7 memory, $MEMORY_CYCLES connect/handshake/close cycles, C then the binding"
  c_bench cycles "$pki" "$MEMORY_CYCLES" 128 512
  mvn -B -q -Dstyle.color=never -Pbench exec:exec@memory -Dmemory.cycles="$MEMORY_CYCLES" -Dmemory.concurrency=128 | tee "$out/memory.txt"
  memory_seconds=$((SECONDS - build_seconds - paired_seconds - c_seconds - s4_seconds))
fi
if [ "${S8:-0}" = 1 ]; then
  phase "S8: one port, many peers (scripts/bench-s8.sh, C then the binding, ~25 min)"
  scripts/bench-s8.sh
  scripts/bench-s8.sh java
fi
phase "done"

export BENCH_OUT="$out" BUILD_SECONDS="$build_seconds" PAIRED_SECONDS="$paired_seconds" C_SECONDS="$c_seconds"
export S4_SECONDS="$s4_seconds" MEMORY_SECONDS="$memory_seconds"
python3 scripts/bench_report.py
if [ "$mode" = record ]; then
  mkdir -p "$(dirname "$RECORDED")"
  cp "$out/results.json" "$RECORDED"
  echo "bench: recorded $RECORDED"
fi
