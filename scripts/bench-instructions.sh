#!/usr/bin/env bash
# Instructions per operation (issue 16, item 2): counts that do not depend on the neighbours, unlike the paired
# timings. PairedRun --count under callgrind runs, per scenario, warm-up rounds and then three counted C rounds and
# three counted binding rounds on the same connections; scripts/bench_instructions.py keeps each side's least
# round (a JIT compile or GC landing in a round only adds), divides it by the
# round's operations and splits it by shared object (GIO stack, libjvm, JIT code, JNI, glue). Writes
# target/bench/instructions.json and prints a markdown table.
#   scripts/bench-instructions.sh        # about 6 minutes on 2 vCPUs, build included
# Environment: SCALE (round size, default 0.1: 2000 records in S2, 1000 round trips in S3), WARMUP (rounds of each
#              side before counting, default 60), ONLY (scenarios, default
#              S2.single,S2.batched,S3,S5.requireCloseNotify)
# Counts are of all threads (callgrind's default): valgrind runs one thread at a time, and the JVM's idle threads
# add next to nothing; what they do add (JIT compiles, GC) belongs to the binding's cost, and a compile landing in
# a counted round shows as a libjvm share and a spread between the rounds (reported when > 2 %).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

SCALE="${SCALE:-0.1}"
WARMUP="${WARMUP:-60}"
ONLY="${ONLY:-S2.single,S2.batched,S3,S5.requireCloseNotify}"
out=target/bench
dumps=$out/callgrind
for tool in valgrind mvn cmake python3 pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-instructions: $tool is required" >&2; exit 1; }
done
start=$SECONDS

mvn -B -q -o -Dstyle.color=never -Pbench -DskipTests test-compile
cmake -S . -B target/bench-cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGDTLS_BUILD_BENCH=ON >/dev/null
cmake --build target/bench-cmake --target gdtls-bench-paired >/dev/null
mvn -B -q -o -Dstyle.color=never -Pbench dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="$(cat target/bench-classpath.txt):target/test-classes:target/classes"
echo "bench-instructions: built in $((SECONDS - start)) s"

# JVM flags, each for a count that depends only on the code:
#   -Xbatch                 a compile blocks the thread that asked for it (no JIT work overlapping a round later)
#   -XX:+UseSerialGC, -Xms=-Xmx   no concurrent GC threads, no heap resizing
#   -XX:-UsePerfData        no hsperfdata sampling thread
#   -XX:+DumpPerfMapAtExit  /tmp/perf-PID.map: names the JIT code by Java method
# No -XX:TieredStopAtLevel: the counted rounds run C2 code, as in production, after WARMUP rounds.
jvm=(-Xbatch -XX:+UseSerialGC -Xms512m -Xmx512m -XX:-UsePerfData
     -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit)
rm -rf "$dumps" && mkdir -p "$dumps"
# Every dump names its objects itself (read one by one), and every cost line its instruction's address (placed
# in the JVM's code blobs by the perf map).
valgrind --tool=callgrind -q --compress-strings=no --dump-instr=yes --dump-line=no --compress-pos=no \
    --callgrind-out-file="$dumps/callgrind.out.%p" \
    java "${jvm[@]}" -Dgdtls.bench.paired=target/bench-cmake/bench/libgdtls-bench-paired.so -cp "$cp" \
    org.gdtls.bench.PairedRun --count --scale "$SCALE" --warmup "$WARMUP" --only "$ONLY" | tee "$out/instructions.log"
pid=$(ls "$dumps" | sed -n 's/^callgrind\.out\.\([0-9]*\)$/\1/p')
mv "/tmp/perf-$pid.map" "$dumps/" 2>/dev/null || true
echo "bench-instructions: counted in $((SECONDS - start)) s"

. scripts/bench-machine.sh
python3 scripts/bench_instructions.py "$dumps" "$out/instructions.log" "$out/instructions.json" \
    "perf_map=$dumps/perf-$pid.map" "cpu=$MACHINE_CPU" "git=$SOURCE_REVISION" "gio=$MACHINE_GIO" \
    "java=$(java -version 2>&1 | sed -n 2p)" "valgrind=$(valgrind --version)" \
    "scale=$SCALE" "warmup=$WARMUP" "jvm_flags=${jvm[*]}"
echo "bench-instructions: wrote $out/instructions.json in $((SECONDS - start)) s"
