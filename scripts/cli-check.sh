#!/usr/bin/env bash
# The runnable jar as a user meets it: `java -jar target/gdtls-cli-VERSION.jar` from a temporary directory outside
# the tree, with nothing else on the class path. --version, info, demo, then a server and a client of the jar on
# 127.0.0.1 with copies of the test PKI: two stdin lines echoed (JSON events checked), and the server ended by
# SIGTERM, which closes a session still open with close_notify. The suite runs the same commands from target/cli-classes (GdtlsCommandTest,
# GdtlsClientServerTest); this checks the jar that ships them. CI runs it right after the suite.
#   scripts/cli-check.sh
# The jar is made from the classes of the last build when they are newer than the sources (seconds: CI's case,
# after ./gdtls test), otherwise by a full `mvn -DskipTests package`.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$PWD
scripts/install-deps.sh

built=target/cli-classes/org/gdtls/cli/GdtlsCommand.class
if [ -f "$built" ] && [ -d target/classes/org/gdtls/internal/gen/global ] &&
   [ -z "$(find pom.xml CMakeLists.txt cmake native src/main src/presets src/cli -newer "$built" -print -quit)" ]; then
  mvn -B -q assembly:single@cli-jar
else
  mvn -B -q -DskipTests package
fi
jar=$repo/$(ls -t target/gdtls-cli-*.jar | head -1)

work=$(mktemp -d)
server_pid= client_pid=
cleanup() {
  for pid in $server_pid $client_pid; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cp src/test/resources/org/gdtls/pki/{ca.pem,server.pem,server-key.pem} "$work/"
cd "$work"

passed=0 failed=0
check() { # NAME COMMAND...: runs COMMAND, counts it
  local name=$1; shift
  if "$@" >"$name.log" 2>&1; then
    passed=$((passed + 1)); echo "cli-check: ok   $name"
  else
    failed=$((failed + 1)); echo "cli-check: FAIL $name" >&2; sed 's/^/  /' "$name.log" >&2
  fi
}
gdtls() { java -jar "$jar" "$@"; }
ended() { # PID SECONDS: waits for a background process, killing it if it has not ended within SECONDS
  local pid=$1 i
  for ((i = 0; i < $2 * 5; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  ! kill -0 "$pid" 2>/dev/null || { echo "still running after $2 s: killed"; kill -KILL "$pid"; }
  wait "$pid"
}

version() { gdtls --version && gdtls --version | grep -q '^gdtls [0-9]'; }
check version version
info() { gdtls info >info.out; cat info.out; grep -q '^tls backend: *GTlsBackendGnutls' info.out; }
check info info
demo() { gdtls demo --count 5 >demo.out; cat demo.out; grep -q '^echo: *5 x 64 bytes, all verified' demo.out; }
check demo demo

# client <-> server: the server's first event names its port
# java itself in the background (not the gdtls function, whose subshell would take the signal instead)
java -jar "$jar" server --bind 127.0.0.1 --port 0 --cert server.pem --key server-key.pem --echo --json \
    >server.out 2>server.err &
server_pid=$!
for _ in $(seq 100); do grep -q '"event":"listening"' server.out && break; sleep 0.2; done
address=$(sed -n 's/.*"event":"listening","address":"\([^"]*\)".*/\1/p' server.out)
exchange() {
  printf 'hello\nworld\n' | gdtls client "$address" --ca ca.pem --json --linger 1 >client.out &&
    cat client.out &&
    grep -q '"event":"handshake".*"protocol":"DTLS_1_2".*"peer_subject":"CN=server.example.com"' client.out &&
    grep -q '"event":"datagram","length":5,"text":"hello"' client.out &&
    grep -q '"event":"datagram","length":5,"text":"world"' client.out &&
    grep -q '"event":"close","reason":"eof"' client.out
}
check client-server exchange
server_ends() {
  kill -TERM "$server_pid"
  local status=0
  ended "$server_pid" 20 || status=$?
  server_pid=
  cat server.out server.err
  [ "$status" -eq 143 ] &&
    grep -q '"event":"datagram","peer":"[^"]*","length":5,"text":"world"' server.out &&
    grep -q '"event":"close","peer":"[^"]*","reason":"close_notify"' server.out &&
    grep -q '"event":"close","peer":"[^"]*","reason":"interrupted"' server.out
}
# A session still open when SIGTERM comes is closed by the server's shutdown hook: close_notify to its client.
# That client's stdin stays open (a FIFO this shell holds) until it ends.
mkfifo open-client.in
exec 3<>open-client.in
java -jar "$jar" client "$address" --ca ca.pem --json <open-client.in >open-client.out 2>&1 &
client_pid=$!
for _ in $(seq 100); do grep -q '"event":"handshake"' open-client.out && break; sleep 0.2; done
check server-sigterm server_ends
client_told() { # the open client heard the server's close_notify and ended by itself, with 0
  local status=0
  ended "$client_pid" 20 || status=$?
  client_pid=
  cat open-client.out
  [ "$status" -eq 0 ] && grep -q '"event":"close","reason":"peer"' open-client.out
}
check client-told client_told

echo "cli-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
