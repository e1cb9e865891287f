#!/usr/bin/env bash
# Runs the JUnit suite N times in a row to find tests that fail only sometimes (issue 11). It never stops at a
# failure: every run's surefire reports are kept in target/repeat/run-K/, and the summary lists each test that
# failed, in which runs, with its message, plus any seed the tests printed.
#   scripts/repeat-tests.sh [N (20)] [maven options]     e.g. scripts/repeat-tests.sh 5 -Dtest='CallOrder*'
# Builds once, then each run is `mvn surefire:test` (the same tests and JVM settings as `mvn test`, without
# compiling the JNI layer again). About 5 minutes per run on 2 vCPUs. Exits 1 if any run had a failure.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs=20
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  runs=$1
  shift
fi
[ "$runs" -gt 0 ] || { echo "repeat-tests: N must be at least 1" >&2; exit 2; }
scripts/install-deps.sh
out=target/repeat
rm -rf "$out"
mkdir -p "$out"

echo "repeat-tests: building once" >&2
mvn -B -Dstyle.color=never -DskipTests test-compile "$@" > "$out/build.log" 2>&1 \
    || { tail -30 "$out/build.log" >&2; echo "repeat-tests: the build failed ($out/build.log)" >&2; exit 1; }

for k in $(seq 1 "$runs"); do
  dir=$out/run-$k
  mkdir -p "$dir"
  rm -rf target/surefire-reports # a class that does not run this time must not leave last run's report behind
  start=$SECONDS
  status=0
  # Test output to files (ClassName-output.txt), so seeds and messages printed by tests are kept per run.
  mvn -B -Dstyle.color=never surefire:test -Dsurefire.redirectTestOutputToFile=true "$@" > "$dir/mvn.log" 2>&1 \
      || status=$?
  [ -d target/surefire-reports ] && mv target/surefire-reports "$dir/surefire-reports"
  echo "$status $((SECONDS - start))" > "$dir/status"
  echo "repeat-tests: run $k of $runs: maven exit $status, $((SECONDS - start)) s" >&2
done

status=0
python3 - "$out" "$runs" <<'EOF' || status=$?
import glob, os, re, sys
import xml.etree.ElementTree as ET

out, runs = sys.argv[1], int(sys.argv[2])
failed = {}   # test -> [(run, kind, message)]
lines = []
any_failure = False
for k in range(1, runs + 1):
    d = f"{out}/run-{k}"
    status, seconds = open(f"{d}/status").read().split()
    tests = failures = errors = skipped = 0
    for xml in sorted(glob.glob(f"{d}/surefire-reports/TEST-*.xml")):
        suite = ET.parse(xml).getroot()
        tests += int(suite.get("tests", 0)); failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0)); skipped += int(suite.get("skipped", 0))
        for case in suite.iter("testcase"):
            for kind in ("failure", "error", "flakyFailure", "flakyError"):
                for f in case.findall(kind):
                    name = f"{case.get('classname')}.{case.get('name')}"
                    message = (f.get("message") or f.get("type") or "").strip().splitlines()
                    failed.setdefault(name, []).append((k, kind, (message[0] if message else "")[:300]))
    # A JVM that died or timed out leaves no XML for its class: Maven's own output says so.
    log = open(f"{d}/mvn.log", errors="replace").read()
    # ...with the line after surefire's verdict, which says why.
    crashes = [m.group(1) + ": " + m.group(2) for m in re.finditer(
        r"^\[ERROR\] (The forked VM terminated[^\n]*|There was a timeout[^\n]*|There was an error in the forked "
        r"process[^\n]*)\n\[ERROR\] ([^\n]*)", log, re.M)]
    for c in crashes:
        failed.setdefault("(surefire fork)", []).append((k, "crash", c[:300]))
    if status != "0" or failures or errors or crashes:
        any_failure = True
    lines.append(f"run {k}: {tests} tests, {failures} failed, {errors} errors, {skipped} skipped, "
                 f"maven exit {status}, {seconds} s")

# Seeds: any line a test printed that names a seed.
seeds = []
for path in sorted(glob.glob(f"{out}/run-*/surefire-reports/*-output.txt")):
    for line in open(path, errors="replace"):
        if re.search(r"\bseed\b", line, re.I):
            seeds.append(f"{os.path.relpath(path, out)}: {line.strip()[:200]}")

print("\n=== repeat-tests summary:", runs, "runs, reports in", out + "/run-K/")
print("\n".join(lines))
if failed:
    print("\nfailed tests (run: kind: message):")
    for name in sorted(failed):
        hits = failed[name]
        print(f"- {name}: failed in {len({r for r, _, _ in hits})} of {runs} runs")
        for r, kind, message in hits:
            print(f"    run {r}: {kind}: {message}")
else:
    print("\nno test failed in any run")
print("\nseeds printed by tests:" if seeds else "\nseeds printed by tests: none")
for s in seeds:
    print("  " + s)
sys.exit(1 if any_failure else 0)
EOF
# Tests that draw random numbers without printing a seed could not be replayed from a failure.
unseeded=$(grep -lE 'new Random\(|ThreadLocalRandom|Math\.random|SplittableRandom|RandomGenerator' -r src/test/java \
             | xargs -r grep -Li 'seed' || true)
echo "tests using randomness without printing a seed: ${unseeded:-none (no test source draws random numbers)}"
exit $status
