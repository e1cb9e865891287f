#!/usr/bin/env bash
# The whole JUnit suite with the native code built under AddressSanitizer and UndefinedBehaviorSanitizer: the C glue
# and the C parity runner (CMake -DGDTLS_SANITIZE) and the JavaCPP-generated JNI layer (Maven profile `sanitize`).
# Fails if any test fails or any sanitizer report appears, in the test JVM or in any process it starts.
#   scripts/sanitize-check.sh [maven options]      e.g. -Dtest=HandshakeTest
# Everything is built in a copy of the work tree (target/sanitize/tree), so the normal target/ build is untouched.
# Reports land in target/sanitize/logs (one file per reporting process), Maven's output in target/sanitize/mvn.log.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
root=$PWD
out=$root/target/sanitize
tree=$out/tree
logs=$out/logs
SECONDS=0

# gcc's own runtime: the libraries were compiled by gcc, so its libasan (libasan8 on Debian 12, pulled in by gcc)
# is the matching one. It must come first in the process (LD_PRELOAD): java itself is not instrumented.
libasan=$(gcc -print-file-name=libasan.so)
[ -f "$libasan" ] || { echo "sanitize-check: gcc has no libasan.so (Debian: the libasanN package of this gcc)" >&2; exit 1; }
libasan=$(readlink -f "$libasan")

rm -rf "$logs" "$out/canary"
mkdir -p "$logs" "$tree" "$out/canary"

# HotSpot uses signals for itself: SIGSEGV (implicit null checks, safepoint polls), SIGFPE (integer division by
# zero becomes ArithmeticException), SIGBUS and SIGILL. The sanitizer must leave them to the JVM.
# No leak check: at exit LeakSanitizer lists the JVM's own never-freed allocations (and GLib's one-time type and
# quark tables), thousands of them, none ours; scripts/soak.sh checks the binding's releases instead.
# abort_on_error: a report ends the process at once (the JVM cannot catch it), and the test run fails.
asan_common="handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1"
asan_options="$asan_common:detect_leaks=0:halt_on_error=1:abort_on_error=1:print_summary=1:log_path=$logs/asan"
# gcc runs UBSan as a plugin of ASan's runtime when both are linked, and a plugin ignores log_path: UBSan writes
# to stderr. That is still caught: halt_on_error ends the process with status 1, so a test fails, and the stderr
# of the test JVM (surefire's *-output.txt, *.dumpstream) and of its children (the failing test's message: ChildJvm
# and the parity runner put the child's stderr in it) is scanned below.
ubsan_options="print_stacktrace=1:halt_on_error=1"

# Files with a sanitizer report in them (the runtime only creates a log file to write a report).
reports() { grep -lE 'ERROR: AddressSanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior)Sanitizer' "$@" 2>/dev/null || true; }

# 1. Canary: a heap overflow and a signed overflow in a sanitized C program, run with the same options, must
# leave reports where this script looks. Otherwise a silent suite would prove nothing.
cat > "$out/canary/canary.c" <<'EOF'
#include <limits.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  if (argc > 1) { int i = INT_MAX; i += argc; return i; }   /* UBSan: signed integer overflow */
  char *p = malloc(8); p[8 + argc - 1] = 1; free(p);        /* ASan: heap-buffer-overflow */
  return 0;
}
EOF
gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g "$out/canary/canary.c" -o "$out/canary/canary"
canary() { ASAN_OPTIONS="${asan_options//$logs/$out/canary}" UBSAN_OPTIONS="$ubsan_options" "$out/canary/canary" "$@"; }
canary 2>/dev/null && { echo "sanitize-check: the ASan canary was not stopped" >&2; exit 1; }
canary x 2>"$out/canary/stderr" && { echo "sanitize-check: the UBSan canary was not stopped" >&2; exit 1; }
grep -q 'heap-buffer-overflow' $(reports "$out"/canary/asan.*) /dev/null \
    || { echo "sanitize-check: no ASan report from the canary in $out/canary" >&2; exit 1; }
grep -q 'signed integer overflow' $(reports "$out/canary/stderr") /dev/null \
    || { echo "sanitize-check: no UBSan report from the canary in $out/canary/stderr" >&2; exit 1; }
echo "sanitize-check: canary reports found, the sanitizers and their log files work"

# Tools the tests start that are not ours run without the sanitizer runtime: a PATH directory of wrappers that
# drop LD_PRELOAD. Needed, not cosmetic: under a preloaded libasan, p11tool (p11-kit's library destructor, through
# glibc's freelocale) hangs for ever at exit on a corrupted locale lock, and Pkcs11PinTest with it.
wrappers=$out/no-sanitizer-bin
rm -rf "$wrappers"
mkdir -p "$wrappers"
for tool in p11tool softhsm2-util openssl gnutls-serv gnutls-cli; do  # the last three: the interop peers
  real=$(command -v "$tool") || continue
  printf '#!/bin/sh\n# %s without the sanitizer runtime (scripts/sanitize-check.sh)\nunset LD_PRELOAD\nexec %s "$@"\n' \
      "$tool" "$real" > "$wrappers/$tool"
  chmod +x "$wrappers/$tool"
done

# 2. A fresh copy of the sources (the copy's own target/ is kept: Maven and CMake reuse what they can).
find "$tree" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$tree" -xf -

# 3. Build and test in one Maven run. Only surefire's JVM gets the sanitizer environment (the profile passes it);
# everything that JVM starts inherits it: ChildJvm's JVMs, the C parity runner, openssl, softhsm2's tools.
# A sanitized library loaded without the runtime preloaded aborts at load ("ASan runtime does not come first"),
# so a test JVM that missed the environment fails loudly instead of passing unchecked.
status=0
rm -rf "$tree/target/surefire-reports" # no report of an earlier run may pass for this one's
(cd "$tree" && mvn -B -Dstyle.color=never -Psanitize test -Dsurefire.redirectTestOutputToFile=true \
    -Dsanitize.preload="$libasan" -Dsanitize.asan.options="$asan_options" -Dsanitize.ubsan.options="$ubsan_options" \
    -Dsanitize.path="$wrappers:$PATH" \
    "$@") > "$out/mvn.log" 2>&1 || status=$?
seconds=$SECONDS

# 4. Verdict: reports in the log directory, or on stderr of a process whose log file could not be written
# (surefire keeps a forked JVM's stray output in *.dumpstream).
mapfile -t found < <(reports "$logs"/* "$tree"/target/surefire-reports/* "$out/mvn.log")
surefire=$tree/target/surefire-reports
counts=$(python3 - "$surefire" <<'EOF'
import glob, sys
import xml.etree.ElementTree as ET
t = [0, 0, 0, 0]
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    for i, k in enumerate(("tests", "failures", "errors", "skipped")):
        t[i] += int(suite.get(k, 0))
print(*t)
EOF
)
read -r tests failures errors skipped <<< "$counts"

echo
echo "=== sanitize-check summary ($(gcc -dumpfullversion) -fsanitize=address,undefined, $(java -version 2>&1 | head -1))"
echo "duration:          ${seconds}s (build and test)"
echo "tests:             $tests run, $failures failed, $errors errors, $skipped skipped (maven exit $status)"
echo "sanitizer reports: ${#found[@]}"
for f in "${found[@]}"; do
  echo "--- $f"
  grep -m1 -E 'ERROR: AddressSanitizer|runtime error:' "$f" || true
  grep -m1 -E '^SUMMARY:' "$f" || true
done
if [ "$status" -ne 0 ]; then
  echo "failed tests (Maven output in $out/mvn.log):"
  grep -E '^\[ERROR\] +[A-Za-z]+.*(:[0-9]+|Test\.)' "$out/mvn.log" | head -30 || true
fi
[ "${#found[@]}" -eq 0 ] && [ "$status" -eq 0 ] && [ "$tests" -gt 0 ] || exit 1
echo "sanitize-check: OK, no sanitizer report and no failure in $tests tests"
