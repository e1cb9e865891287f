#!/usr/bin/env bash
# S8 (issue 15): one UDP port, many DTLS peers. Runs the load generator native/bench/bench_s8_clients.c against a
# server on a free port, a fresh server for every step, and writes target/bench/s8-$SERVER_LABEL.txt (default
# s8-c.txt: the C reference server native/bench/bench_s8_server.c).
#   scripts/bench-s8.sh          # about 12 minutes on 2 vCPUs, most of it the idle run with 10000 peers
#   scripts/bench-s8.sh java     # the same load against the binding's DtlsServer (s8-java.txt)
# Environment: CONNECT_N (default 1000), PROCS (load processes, default 4), ECHO_N (100), ECHO_K (2000),
#              IDLE_STEPS (idle peer counts, default "1000 3000 10000"; the run stops at the first that fails or
#              does not fit `ulimit -n`), PROBES (round trips in the idle runs, 1000), AMPLIFY_SECONDS (30),
#              STALL_SECONDS (70: how long the silent ClientHellos of the stall step are listened to).
# Every figure in the output comes from this run's programs; the script only picks lines out of their output.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

pki=src/test/resources/org/gdtls/pki
bin=target/bench-cmake/bench
out=target/bench
CONNECT_N="${CONNECT_N:-1000}"
PROCS="${PROCS:-4}"
ECHO_N="${ECHO_N:-100}"
ECHO_K="${ECHO_K:-2000}"
IDLE_STEPS="${IDLE_STEPS:-1000 3000 10000}"
PROBES="${PROBES:-1000}"
AMPLIFY_SECONDS="${AMPLIFY_SECONDS:-30}"
STALL_SECONDS="${STALL_SECONDS:-70}"

# ==== SERVER_CMD: the server under test ==========================================================================
# A shell command run with $PORT set (a free UDP port on 127.0.0.1 chosen here). It must serve DTLS there with
# server.pem/server-key.pem from $pki, echo every datagram back to its sender, and stop on SIGINT or SIGTERM;
# whatever it prints is kept as the step's server output. The lead plugs the Java DtlsServer in here, e.g.
#   SERVER_LABEL=java SERVER_CMD='java -cp ... org.gdtls.bench.S8Server "$pki" --port "$PORT"' scripts/bench-s8.sh
# SERVER_EXTRA is appended to it (the C server's options below; the Java server's own, if any).
# `scripts/bench-s8.sh java` sets both for the binding's DtlsServer (org.gdtls.S8Server, built here).
if [ "${1:-}" = java ]; then
  SERVER_LABEL=java
  SERVER_CMD='java -cp target/test-classes:target/classes:$(cat target/bench/classpath.txt) org.gdtls.S8Server "$pki" "$PORT" 12000'
fi
SERVER_LABEL="${SERVER_LABEL:-c}"
SERVER_CMD="${SERVER_CMD:-$bin/gdtls-bench-s8-server \"\$pki\" --port \"\$PORT\" --report 1}"
# The C server's settings for the main figures: no GTlsDatabase at construction (a server that asks no client
# certificate needs none; with GIO's default every connection parses the system CA bundle and keeps ~3.7 MB).
# The first step also runs GIO's default (--database system) for comparison.
C_MAIN_EXTRA="--database construct-none"
# ================================================================================================================

for tool in cmake ss python3 timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-s8: $tool is required" >&2; exit 1; }
done
[ -f "$pki/server.pem" ] || scripts/make-test-pki.sh
mkdir -p "$out"
report="$out/s8-$SERVER_LABEL.txt"
logs="$out/s8-$SERVER_LABEL"
rm -rf "$logs" && mkdir -p "$logs"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit=$(ulimit -n)
SECONDS=0

if [ "$SERVER_LABEL" = java ]; then
  echo "=== build (mvn -Pbench test-compile)"
  mvn -B -q -Dstyle.color=never -Pbench -DskipTests test-compile
  mvn -B -q -Dstyle.color=never -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
      -Dmdep.includeScope=test >/dev/null
fi
echo "=== build (cmake -DGDTLS_BUILD_BENCH=ON)"
cmake -S . -B target/bench-cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGDTLS_BUILD_BENCH=ON >/dev/null
cmake --build target/bench-cmake --target gdtls-bench-s8-server gdtls-bench-s8-clients >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true # TERM: a background JVM ignores INT
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

# start_server STEP EXTRA...: a fresh server on a free port; waits until the port is bound.
start_server() {
  local step=$1; shift
  PORT=$(free_port)
  export PORT pki
  bash -c "exec $SERVER_CMD $*" >"$logs/$step-server.txt" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    ss -Huln "sport = :$PORT" | grep -q . && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "bench-s8: the server ended" >&2; cat "$logs/$step-server.txt" >&2; exit 1; }
    sleep 0.1
  done
  echo "bench-s8: nothing listens on $PORT after 30 s" >&2
  exit 1
}

extra() { if [ "$SERVER_LABEL" = c ]; then echo "$C_MAIN_EXTRA $*"; else echo "${SERVER_EXTRA:-}"; fi; }

# step NAME "SERVER EXTRA" CLIENT ARGS...: one server, one load run; both outputs go to the report.
step() {
  local name=$1 server_extra=$2; shift 2
  echo "=== $name: clients $* (t=${SECONDS}s)"
  start_server "$name" $server_extra
  local rc=0
  timeout 1800 "$bin/gdtls-bench-s8-clients" "127.0.0.1:$PORT" "$pki" "$@" >"$logs/$name-clients.txt" 2>&1 || rc=$?
  sleep 1 # the server's status line after the clients closed
  stop_server
  {
    echo "## $name"
    echo "server: $SERVER_CMD $server_extra"
    echo "clients: gdtls-bench-s8-clients 127.0.0.1:PORT PKI $*  (exit $rc)"
    sed 's/^/  /' "$logs/$name-clients.txt"
    echo "  -- server summary"
    grep -v '^status ' "$logs/$name-server.txt" | sed 's/^/  /' || true
    echo
  } >>"$report"
  local line
  line="$name: $(grep -E '^(connected|handshake_failures|all_connected_s|handshakes_per_s|round_trips_per_s|rtt_us_median|rtt_us_p99|amplification|bytes_back|lost)=' \
    "$logs/$name-clients.txt" | tr '\n' ' ')| server: $(grep -E '^(peak_rss_kb|peak_threads|rss_kb_per_established_peer|malloc_kb_per_established_peer|cpu_s|handshakes_failed)=' \
    "$logs/$name-server.txt" | tr '\n' ' ')"
  echo "$line"
  summary+="$line"$'\n'
  return $rc
}
summary=""

{
  echo "# S8, C side: gdtls-bench-s8-clients against $SERVER_LABEL server ($(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD))"
  echo "# $(uname -sr), $(nproc) CPUs, ulimit -n $fd_limit, GLib $(pkg-config --modversion glib-2.0), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >"$report"

if [ "$SERVER_LABEL" = c ]; then
  step connect-gio-default "--database system" connect "$CONNECT_N" --procs "$PROCS" || true
fi
step connect-procs1 "$(extra)" connect "$CONNECT_N" --procs 1 || true
step connect "$(extra)" connect "$CONNECT_N" --procs "$PROCS" || true
step echo-64 "$(extra)" echo "$ECHO_N" "$ECHO_K" 64 || true
step echo-1024 "$(extra)" echo "$ECHO_N" "$ECHO_K" 1024 || true
step echo-64-window8 "$(extra)" echo "$ECHO_N" "$ECHO_K" 64 --window 8 || true
step idle-10 "$(extra)" idle 10 "$PROBES" --hold 2 || true
for n in $IDLE_STEPS; do
  if [ $((n + 64)) -gt "$fd_limit" ]; then
    echo "## idle-$n: skipped, ulimit -n is $fd_limit" | tee -a "$report"
    break
  fi
  step "idle-$n" "$(extra)" idle "$n" "$PROBES" --procs "$PROCS" --inflight 50 --timeout 900 --hold 2 || break
done
step amplify "$(extra)" amplify --seconds "$AMPLIFY_SECONDS" || true
if [ "$SERVER_LABEL" = c ]; then
  step amplify-retransmit "$(extra --first-hello retransmit)" amplify --seconds "$AMPLIFY_SECONDS" || true
fi

# A server that handshakes on a fixed pool of threads can be stalled by peers that send one ClientHello and never
# answer: each one keeps its handshake (and the thread running it) waiting for up to 60 s.
stall_hellos=30
echo "=== stall: $stall_hellos silent ClientHellos, then connect 20 (t=${SECONDS}s)"
start_server stall "$(extra)"
"$bin/gdtls-bench-s8-clients" "127.0.0.1:$PORT" "$pki" amplify --hellos "$stall_hellos" --seconds "$STALL_SECONDS" \
    >"$logs/stall-amplify.txt" 2>&1 &
amplify_pid=$!
sleep 3
stall_rc=0
timeout 600 "$bin/gdtls-bench-s8-clients" "127.0.0.1:$PORT" "$pki" connect 20 >"$logs/stall-clients.txt" 2>&1 || stall_rc=$?
wait "$amplify_pid" || true
sleep 1
stop_server
{
  echo "## stall: amplify --hellos $stall_hellos --seconds $STALL_SECONDS started 3 s before connect 20 (exit $stall_rc)"
  sed 's/^/  /' "$logs/stall-amplify.txt" "$logs/stall-clients.txt"
  echo "  -- server summary"
  grep -v '^status ' "$logs/stall-server.txt" | sed 's/^/  /' || true
  echo
} >>"$report"
line="stall: $(grep -E '^(connected|all_connected_s|connect_s_median|handshake_failures)=' "$logs/stall-clients.txt" | tr '\n' ' ')| server: $(grep -E '^(peak_threads|handshakes_failed)=' "$logs/stall-server.txt" | tr '\n' ' ')"
echo "$line"
summary+="$line"$'\n'

{ echo "## summary (the lines above, in short)"; printf '%s' "$summary"; } >>"$report"
echo "=== done in ${SECONDS}s: $report"
