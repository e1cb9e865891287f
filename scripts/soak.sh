#!/usr/bin/env bash
# The soak (issue 11): connect/handshake/close cycles and datagrams in one JVM (org.gdtls.Soak, src/bench) and the
# same run in C on plain libgio (native/bench/bench_soak.c). Each checks that its file descriptors, threads and live
# GObjects came back to their start values; this script writes target/soak/report.md with both sides and RSS over
# time, and fails if anything did not come back or RSS grew more than the tolerance.
#   scripts/soak.sh [--cycles N (10000)] [--datagrams M (1000000)] [--concurrency C (128)] [--warmup W (256)]
#                   [--rss-tolerance-mb T (32)] [--sequential]
# The default run took 17 minutes on 2 shared vCPUs (C and Java side by side, ~11 cycles/s each; --sequential runs
# them one after the other, which doubles that): a handshake takes ~300 ms in the backend, and GLib's task pool
# bounds how many run at once.
# RSS tolerance: RSS starts high (~850 MB Java, ~500 MB C, most of it free memory glibc keeps in the arenas of the
# handshake threads: malloc_trim(0) gives it back) and moves in steps when an arena grows, not per cycle; 32 MB
# over 10 000 cycles is ~3 kB a cycle, so a steady leak of that much per cycle fails. Leaked GObjects, descriptors
# and threads fail by count, without any tolerance.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

cycles=10000 datagrams=1000000 concurrency=128 warmup=256 tolerance_mb=32 sequential=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles=$2; shift 2 ;;
    --datagrams) datagrams=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rss-tolerance-mb) tolerance_mb=$2; shift 2 ;;
    --sequential) sequential=1; shift ;;
    *) echo "usage: $0 [--cycles N] [--datagrams M] [--concurrency C] [--warmup W] [--rss-tolerance-mb T] [--sequential]" >&2
       exit 2 ;;
  esac
done
scripts/install-deps.sh
out=target/soak
pki=src/test/resources/org/gdtls/pki
mkdir -p "$out"
rm -f "$out"/java.txt "$out"/c.txt "$out"/report.md
SECONDS=0

echo "soak: building (Java with the bench sources, the C driver with -DGDTLS_BUILD_BENCH=ON)" >&2
build() { "$@" >> "$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; echo "soak: build failed: $*" >&2; exit 1; }; }
: > "$out/build.log"
build mvn -B -Dstyle.color=never -Pbench -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile="$out/classpath.txt" -DincludeScope=test
build cmake -S . -B target/bench-cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGDTLS_BUILD_BENCH=ON
build cmake --build target/bench-cmake --parallel 2 --target gdtls-bench-soak
# The Java side runs from a copy of the classes: a build in this tree while the soak runs (the test suite, say)
# must not change or delete a class the soak JVM has yet to load.
rm -rf "$out/classes"
mkdir -p "$out/classes"
cp -r target/classes "$out/classes/main"
cp -r target/test-classes "$out/classes/test"
build_seconds=$SECONDS

# A fixed, pre-touched heap: the Java heap is all resident from the start, so it adds nothing to the RSS growth.
# Each side is bounded (a lost datagram or handshake must not hang the soak): 3 hours is far above the default run.
run_java() {
  timeout 10800 java -Xms256m -Xmx256m -XX:+AlwaysPreTouch \
      -cp "$out/classes/main:$out/classes/test:$(cat "$out/classpath.txt")" \
      org.gdtls.Soak "$pki" "$cycles" "$datagrams" "$concurrency" "$warmup" > "$out/java.txt" 2> "$out/java.err"
}
run_c() {
  timeout 10800 target/bench-cmake/bench/gdtls-bench-soak "$pki" "$cycles" "$datagrams" "$concurrency" "$warmup" \
      > "$out/c.txt" 2> "$out/c.err"
}
echo "soak: $cycles cycles, $datagrams datagrams, $concurrency pairs at once, after $warmup warm-up cycles," \
     "Java and C $([ $sequential = 1 ] && echo 'one after the other' || echo 'side by side')" >&2
java_status=0 c_status=0
if [ "$sequential" = 1 ]; then
  run_java || java_status=$?
  run_c || c_status=$?
else
  run_java & java_pid=$!
  run_c & c_pid=$!
  wait "$java_pid" || java_status=$?
  wait "$c_pid" || c_status=$?
fi

export SOAK_OUT=$out SOAK_JAVA_STATUS=$java_status SOAK_C_STATUS=$c_status SOAK_TOLERANCE_MB=$tolerance_mb
export SOAK_BUILD_SECONDS=$build_seconds SOAK_SECONDS=$SECONDS SOAK_SEQUENTIAL=$sequential
export SOAK_REVISION="$(git describe --always --dirty 2>/dev/null || echo unknown)"
export SOAK_MACHINE="$(nproc) vCPUs, $(uname -sr), gio $(pkg-config --modversion gio-2.0), $(java -version 2>&1 | head -1)"
python3 - <<'EOF'
import os, sys

out = os.environ["SOAK_OUT"]
tolerance_kb = int(os.environ["SOAK_TOLERANCE_MB"]) * 1024

def read(side):
    values = {}
    try:
        for line in open(f"{out}/{side}.txt"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    except FileNotFoundError:
        pass
    return values

sides = {"Java": read("java"), "C": read("c")}
status = {"Java": int(os.environ["SOAK_JAVA_STATUS"]), "C": int(os.environ["SOAK_C_STATUS"])}
problems = []
for name, v in sides.items():
    before = len(problems)
    if "rss_end_kb" not in v:
        err = open(f"{out}/{'java' if name == 'Java' else 'c'}.err").read().strip().splitlines()[-5:]
        problems.append(f"{name} did not finish (exit {status[name]}): " + " | ".join(err))
        continue
    for what in ("fds", "threads", "live_gobjects"):
        if int(v[f"{what}_end"]) > int(v[f"{what}_start"]):
            problems.append(f"{name}: {what} {v[what + '_start']} at the start, {v[what + '_end']} at the end")
    growth = int(v["rss_end_kb"]) - int(v["rss_start_kb"])
    v["rss_growth_kb"] = str(growth)
    if growth > tolerance_kb:
        problems.append(f"{name}: RSS grew {growth} kB, over the tolerance of {tolerance_kb} kB")
    if status[name] != 0 and len(problems) == before:
        problems.append(f"{name}: the driver exited {status[name]}")

def cell(name, key):
    return sides[name].get(key, "-")

rows = [
    ("cycles (after the warm-up)", "cycles"), ("datagrams (512 bytes, checked)", "datagrams"),
    ("pairs at once", "concurrency"), ("warm-up cycles", "warmup_cycles"),
    ("file descriptors: start", "fds_start"), ("file descriptors: end", "fds_end"),
    ("threads: start", "threads_start"), ("threads: end", "threads_end"),
    ("live GObjects: start", "live_gobjects_start"), ("live GObjects: end", "live_gobjects_end"),
    ("RSS start (kB)", "rss_start_kb"), ("RSS end (kB)", "rss_end_kb"), ("RSS growth (kB)", "rss_growth_kb"),
    ("RSS after malloc_trim(0) (kB)", "rss_after_malloc_trim_kb"),
    ("glibc malloc bytes in use, growth (kB)", "malloc_in_use_growth_kb"),
    ("seconds: warm-up", "warmup_seconds"), ("seconds: measured run", "run_seconds"), ("seconds: total", "seconds"),
]
lines = ["# Soak report", "",
         f"Revision {os.environ['SOAK_REVISION']}; {os.environ['SOAK_MACHINE']}. Java and C ran "
         + ("one after the other" if os.environ["SOAK_SEQUENTIAL"] == "1" else "side by side")
         + f"; build {os.environ['SOAK_BUILD_SECONDS']} s, whole script {os.environ['SOAK_SECONDS']} s.", "",
         "Start values are taken after the warm-up; end values after the run, once idle threads had up to a minute to end. "
         "Live GObjects: every connection and socket created (and the certificate and database) not finalized after "
         "its release (Java: the jnr-ffi oracle's reference count; C: weak references).", "",
         "| | Java (binding) | C (libgio) |", "|---|---|---|"]
lines += [f"| {label} | {cell('Java', key)} | {cell('C', key)} |" for label, key in rows]
lines += ["", f"RSS over time (kB, after N cycles of the measured run), tolerance for growth: {tolerance_kb} kB:", ""]
for name in sides:
    lines.append(f"- {name}: {cell(name, 'rss_trace_kb')}")
lines += ["", "Verdict: " + ("OK, everything came back" if not problems else "FAILED"), ""]
lines += [f"- {p}" for p in problems]
open(f"{out}/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if problems else 0)
EOF
