#!/usr/bin/env bash
# The whole suite under -Xcheck:jni (child JVMs too, through test.child.jvm.args), then a check that no JVM printed
# a JNI warning. The JVM's own "SIGPIPE handler modified" notice (GLib ignores SIGPIPE on purpose) is not one.
#   scripts/jni-check.sh [maven options]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
mkdir -p target
mvn -B test -Dtest.jvm.args=-Xcheck:jni "$@" 2>&1 | tee target/jni-check.log
status=${PIPESTATUS[0]}
reports=target/surefire-reports
# Native JNI warnings bypass System.out: surefire files them in *.dumpstream, or they reach Maven's output.
if grep -rhE -A3 'WARNING in native method|FATAL ERROR in native method' "$reports" target/jni-check.log >&2; then
  echo "jni-check: JNI warnings under -Xcheck:jni (above)" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
echo "jni-check: no JNI warning in $(ls "$reports" | grep -c '\.txt$') test classes run under -Xcheck:jni"
