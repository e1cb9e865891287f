#!/usr/bin/env bash
# Checks gdtls-java on Debian suites the way a new user would meet them: for each SUITE a debootstrap root
# (kept under ${GDTLS_ROOTS:-/var/tmp/gdtls-roots}/SUITE and reused) gets a clean copy of this work tree and runs
# the README's `./gdtls demo` and `./gdtls test`, then `./gdtls parity`. The root holds only a JDK, Maven and a
# compiler; everything else must come from the project's own scripts/install-deps.sh.
#
#   scripts/distro-check.sh [--fresh] [--host-build] SUITE...   e.g. scripts/distro-check.sh bookworm trixie forky
#
# --host-build also runs what the host built (its GLib's jar and CLI classes, test classes, C parity runner) in
# each root, against the root's libgio: the demo and the parity suite (ParityMain). One jar for a range of GLib.
#
# Logs and reports: target/distro/SUITE/, the summary table: target/distro/results.md.
# With two or more parity reports, scripts/gio-versions.py writes docs/gio-versions.md.
# Needs root (debootstrap, chroot, mount). Exit status 1 if any suite failed anything, 2 if a root could not be made.
set -euo pipefail

MIRROR=http://deb.debian.org/debian
ROOTS=${GDTLS_ROOTS:-/var/tmp/gdtls-roots}
REPO=$(git -C "$(dirname "$(readlink -f "$0")")" rev-parse --show-toplevel)
OUT=$REPO/target/distro
BUILD_DIR=/build/gdtls-java          # the project's place inside a root
READY=.gdtls-root-ready              # written last into a root: a root without it is half-built
# Only what a fresh Debian machine with a JDK has; libglib2.0-dev, glib-networking, ... are install-deps.sh's job.
ROOT_PACKAGES=(default-jdk-headless maven gcc g++ cmake make git)
SANE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

fresh=0
host_build=0
HOST_BUILD_DIR=/build/host-build     # the host's build, copied into a root by --host-build
suites=()
current_root=""                      # the root whose mounts the exit trap must undo
lock_fd=""                           # holds the current suite's lock (ensure_root)
debootstrap_pid=""                   # a running debootstrap (its own process group) the exit trap must stop

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "distro-check: $*"; exit 2; }

# --- mounts ---------------------------------------------------------------------------------------------------

# Everything mounted below a root, deepest first (findmnt lists parents before children).
mounts_under() {
  findmnt -rn -o TARGET | awk -v r="$1" '$0 == r || index($0, r "/") == 1' | sort -r
}

# Processes left running inside a root (a killed script does not take its chroot's children with it) keep the
# bind mounts busy; end them before unmounting.
kill_root_processes() {
  local root=$1 sig pid link found
  for sig in TERM KILL; do
    found=0
    for link in /proc/[0-9]*/root; do
      pid=${link#/proc/}; pid=${pid%/root}
      [ "$(readlink "$link" 2>/dev/null)" = "$root" ] || continue
      kill "-$sig" "$pid" 2>/dev/null && found=1
    done
    [ "$found" = 1 ] || return 0
    sleep 2
  done
}

unmount_root() {
  local root=$1 m
  [ -n "$root" ] || return 0
  kill_root_processes "$root"
  while read -r m; do
    [ -n "$m" ] || continue
    umount "$m" 2>/dev/null || umount -l "$m" || log "distro-check: could not unmount $m"
  done < <(mounts_under "$root")
}

# shellcheck disable=SC2317  # reached through the traps below
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -z "$debootstrap_pid" ] || { kill -- "-$debootstrap_pid" 2>/dev/null || true; wait "$debootstrap_pid" 2>/dev/null || true; }
  unmount_root "$current_root"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bind() {  # bind SOURCE TARGET-IN-ROOT
  mkdir -p "$2"
  mount --bind "$1" "$2"
}

mount_root() {
  local root=$1
  current_root=$root
  # The root onto itself first, so that its / is a mount point as on a real machine: `unshare -m` (used by a test
  # to hide libgio) fails with "cannot change root filesystem propagation" in a chroot whose / is a plain directory.
  bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  bind /dev "$root/dev"
  bind /dev/pts "$root/dev/pts"
  # The host's Maven repository: a rerun then downloads nothing.
  mkdir -p "$HOME/.m2"
  bind "$HOME/.m2" "$root/root/.m2"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
}

# --- the root -------------------------------------------------------------------------------------------------

# Runs a command inside the root with a clean environment. In the background plus `wait`, so that the INT/TERM
# traps run at once instead of after the command (bash defers traps while a foreground child runs).
in_root() {
  local root=$1; shift
  chroot "$root" /usr/bin/env -i PATH="$SANE_PATH" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    "$@" </dev/null {lock_fd}>&- &
  wait $!
}

ensure_host_tools() {
  [ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
  local tool missing=()
  for tool in debootstrap curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] || { log "installing ${missing[*]} on the host"; apt-get install -y -qq "${missing[@]}" >/dev/null; }
}

# The host's debootstrap (1.0.128 on bookworm) has no script for suites newer than it; `sid`'s fits them.
debootstrap_script() {
  local suite=$1 dir=/usr/share/debootstrap/scripts
  if [ -e "$dir/$suite" ]; then echo "$dir/$suite"; else echo "$dir/sid"; fi
}

# The keyring that verifies SUITE's Release file. Normally the host's debian-archive-keyring. If a suite is signed
# by a key the host does not know yet, take the newer debian-archive-keyring from the archive, but only through a
# chain the host can check: a suite whose InRelease the host verifies (stable, testing or unstable: the archive
# signs with the old and the new key for a while) lists the .deb's SHA256 in its checksummed Packages index; the
# keyring found there must then verify SUITE's InRelease.
suite_keyring() {
  local suite=$1 host=/usr/share/keyrings/debian-archive-keyring.gpg tmp
  tmp=$(mktemp -d)
  if curl -fsS -o "$tmp/InRelease" "$MIRROR/dists/$suite/InRelease" &&
     gpgv --keyring "$host" "$tmp/InRelease" >/dev/null 2>&1; then
    rm -rf "$tmp"; echo "$host"; return
  fi
  log "$suite: the host's keyring cannot verify its Release file; looking for a newer debian-archive-keyring"
  local keyring=$ROOTS/.keyrings/$suite.gpg via
  for via in stable testing unstable; do
    curl -fsS -o "$tmp/via" "$MIRROR/dists/$via/InRelease" || continue
    gpgv --keyring "$host" --output "$tmp/via.txt" "$tmp/via" >/dev/null 2>&1 || continue
    local sha path
    sha=$(awk '/^SHA256:/{s=1;next} /^[^ ]/{s=0} s && $3=="main/binary-all/Packages.xz"{print $1}' "$tmp/via.txt")
    [ -n "$sha" ] || continue
    curl -fsS -o "$tmp/Packages.xz" "$MIRROR/dists/$via/main/binary-all/Packages.xz" || continue
    echo "$sha  $tmp/Packages.xz" | sha256sum -c --quiet || continue
    read -r path sha < <(xz -dc "$tmp/Packages.xz" |
      awk '/^Package: /{p=($2=="debian-archive-keyring")} p&&/^Filename: /{f=$2} p&&/^SHA256: /{print f, $2; exit}')
    [ -n "${path:-}" ] || continue
    curl -fsS -o "$tmp/keyring.deb" "$MIRROR/$path" || continue
    echo "$sha  $tmp/keyring.deb" | sha256sum -c --quiet || continue
    dpkg-deb -x "$tmp/keyring.deb" "$tmp/x"
    gpgv --keyring "$tmp/x/usr/share/keyrings/debian-archive-keyring.gpg" "$tmp/InRelease" >/dev/null 2>&1 || continue
    mkdir -p "${keyring%/*}"
    cp "$tmp/x/usr/share/keyrings/debian-archive-keyring.gpg" "$keyring"
    log "$suite: using debian-archive-keyring from $via ($path)"
    rm -rf "$tmp"; echo "$keyring"; return
  done
  rm -rf "$tmp"
  die "$suite: no trusted keyring verifies its Release file; update the host's debian-archive-keyring"
}

create_root() {
  local suite=$1 root=$ROOTS/$1 keyring
  keyring=$(suite_keyring "$suite")
  log "$suite: debootstrap into $root (takes a while)"
  mkdir -p "$ROOTS"
  current_root=$root   # debootstrap mounts /proc and /sys in the root itself: undo those too if interrupted
  # In its own process group (setsid) and waited for, so that an interrupt can stop it with all its children.
  setsid debootstrap --variant=minbase --keyring="$keyring" "$suite" "$root" "$MIRROR" "$(debootstrap_script "$suite")" \
    >"$OUT/$suite/debootstrap.log" 2>&1 </dev/null {lock_fd}>&- &
  debootstrap_pid=$!
  wait "$debootstrap_pid" || { tail -5 "$OUT/$suite/debootstrap.log" >&2; die "$suite: debootstrap failed"; }
  debootstrap_pid=""
  # testing/unstable Release files carry a week's Valid-Until; an archive snapshot older than the clock is still
  # the genuine (signature-checked) one.
  echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99gdtls-valid-until"
  echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/99gdtls-no-recommends"
  mount_root "$root"
  # Maven Central is reached through the host's network, which needs the host's extra CAs: put them in place
  # before ca-certificates-java builds the JDK's truststore from /etc/ssl/certs.
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  # (chained with &&: set -e does not apply on the left of ||)
  { in_root "$root" apt-get update &&
    in_root "$root" apt-get install -y ca-certificates &&
    in_root "$root" update-ca-certificates &&
    in_root "$root" apt-get install -y "${ROOT_PACKAGES[@]}" &&
    in_root "$root" apt-get clean
  } >"$OUT/$suite/root-packages.log" 2>&1 || { tail -5 "$OUT/$suite/root-packages.log" >&2; die "$suite: installing the root's packages failed"; }
  unmount_root "$root"
  date -u +%FT%TZ >"$root/$READY"
}

remove_root() {
  local root=$1
  [ -z "$(mounts_under "$root")" ] || die "$root still has mounts; not removing it"
  rm -rf --one-file-system "$root"
}

ensure_root() {
  local suite=$1 root=$ROOTS/$1 start=$SECONDS
  # One run per root at a time (other work trees may check the same suite). Only this script holds the lock: the
  # commands it starts get the descriptor closed, so leftovers of a killed run (ended below) do not hold it.
  mkdir -p "$ROOTS"
  [ -z "$lock_fd" ] || exec {lock_fd}>&-
  exec {lock_fd}>"$ROOTS/.$suite.lock"
  flock -n "$lock_fd" || { log "$suite: waiting for another run using $root"; flock "$lock_fd"; }
  if [ -n "$(mounts_under "$root")" ]; then
    log "$suite: cleaning up after an earlier run that was killed"
    unmount_root "$root"
  fi
  if [ "$fresh" = 1 ] || { [ -e "$root" ] && [ ! -e "$root/$READY" ]; }; then
    log "$suite: removing the old root"
    remove_root "$root"
  fi
  if [ ! -e "$root/$READY" ]; then
    create_root "$suite"
    log "$suite: root ready in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s"
  else
    log "$suite: reusing $root (made $(cat "$root/$READY"))"
  fi
}

# --- the project ----------------------------------------------------------------------------------------------

# A clean copy of the work tree: tracked files as they are now (uncommitted changes included) and untracked files
# that are not ignored; no target/, nothing from the previous run.
copy_project() {
  local root=$1
  rm -rf --one-file-system "${root:?}$BUILD_DIR"
  mkdir -p "$root$BUILD_DIR"
  git -C "$REPO" ls-files -co --exclude-standard -z |
    while IFS= read -r -d '' f; do [ -e "$REPO/$f" ] || [ -L "$REPO/$f" ] && printf '%s\0' "$f"; done |
    tar -C "$REPO" --null -T - -cf - | tar -C "$root$BUILD_DIR" -xf -
}

# Runs `./gdtls STEP` in the root; output to target/distro/SUITE/STEP.log, exit code to STEP.rc.
run_step() {
  local suite=$1 step=$2 root=$ROOTS/$1 rc=0 start=$SECONDS
  log "$suite: ./gdtls $step"
  in_root "$root" /bin/bash -c "cd $BUILD_DIR && exec ./gdtls $step" >"$OUT/$suite/$step.log" 2>&1 || rc=$?
  echo "$rc" >"$OUT/$suite/$step.rc"
  log "$suite: ./gdtls $step exited $rc after $(( SECONDS - start ))s"
}

# The host's own build (classes, the command's classes, test classes, the C parity runner) and its test classpath
# (in ~/.m2, which the roots mount at the same path).
build_on_host() {
  log "host: building (mvn -DskipTests test-compile)"
  (cd "$REPO" && scripts/install-deps.sh &&
    mvn -B -q -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/test-classpath.txt -DincludeScope=test) >"$OUT/host-build.log" 2>&1 ||
    { tail -20 "$OUT/host-build.log" >&2; die "host build failed"; }
}

# Runs the host's build inside the root: `host-demo` and `host-parity` steps, logged like run_step's.
run_host_build() {
  local suite=$1 root=$ROOTS/$1 rc cp
  rm -rf --one-file-system "${root:?}$HOST_BUILD_DIR"
  mkdir -p "$root$HOST_BUILD_DIR"
  cp -r "$REPO/target/classes" "$REPO/target/cli-classes" "$REPO/target/test-classes" \
    "$REPO/target/cmake/parity/gdtls-parity-c" "$root$HOST_BUILD_DIR/"
  cp="$HOST_BUILD_DIR/classes:$HOST_BUILD_DIR/cli-classes:$HOST_BUILD_DIR/test-classes:$(cat "$REPO/target/test-classpath.txt")"
  log "$suite: the host's build: demo"
  rc=0
  in_root "$root" /bin/bash -c "cd $HOST_BUILD_DIR && exec java -cp '$cp' org.gdtls.cli.GdtlsCommand demo --pki test-classes/org/gdtls/pki" \
    >"$OUT/$suite/host-demo.log" 2>&1 || rc=$?
  echo "$rc" >"$OUT/$suite/host-demo.rc"
  log "$suite: the host's build: parity"
  rc=0
  in_root "$root" /bin/bash -c "cd $HOST_BUILD_DIR && exec java -cp '$cp' org.gdtls.ParityMain gdtls-parity-c" \
    >"$OUT/$suite/host-parity.log" 2>&1 || rc=$?
  echo "$rc" >"$OUT/$suite/host-parity.rc"
}

collect_artifacts() {
  local suite=$1 build=$ROOTS/$1$BUILD_DIR
  rm -rf "$OUT/$suite/surefire-reports" "$OUT/$suite/parity-report.md"
  [ ! -f "$build/target/parity-report.md" ] || cp "$build/target/parity-report.md" "$OUT/$suite/"
  [ ! -d "$build/target/surefire-reports" ] || cp -r "$build/target/surefire-reports" "$OUT/$suite/"
}

# Upstream part of an installed package's version (epoch and Debian revision dropped); first package found wins.
pkg_version() {
  local root=$1 p v; shift
  for p in "$@"; do
    # shellcheck disable=SC2016  # dpkg-query's format, not the shell's
    v=$(in_root "$root" dpkg-query -W -f='${db:Status-Status} ${Version}' "$p" 2>/dev/null || true)
    case $v in installed\ *) v=${v#installed }; v=${v#*:}; echo "${v%-*}"; return;; esac
  done
  echo "-"
}

record_versions() {
  local suite=$1 root=$ROOTS/$1 glib jdk
  glib=$(in_root "$root" pkg-config --modversion glib-2.0 2>/dev/null) || glib=$(pkg_version "$root" libglib2.0-0t64 libglib2.0-0)
  jdk=$(in_root "$root" java -version 2>&1 | head -1 | sed -n 's/.*version "\([^"]*\)".*/\1/p')
  {
    echo "suite=$suite"
    echo "glib=$glib"
    echo "glib_networking=$(pkg_version "$root" glib-networking)"
    echo "gnutls=$(pkg_version "$root" libgnutls30t64 libgnutls30)"
    echo "jdk=${jdk:--}"
  } >"$OUT/$suite/versions.txt"
}

check_suite() {
  local suite=$1 root=$ROOTS/$1 step
  mkdir -p "$OUT/$suite"
  rm -f "$OUT/$suite"/*.log "$OUT/$suite"/*.rc "$OUT/$suite/versions.txt"
  ensure_root "$suite"
  mount_root "$root"
  copy_project "$root"
  for step in demo test parity; do run_step "$suite" "$step"; done
  [ "$host_build" = 0 ] || run_host_build "$suite"
  collect_artifacts "$suite"
  record_versions "$suite"
  unmount_root "$root"
  current_root=""
}

# --- the summary ----------------------------------------------------------------------------------------------

version_of() { sed -n "s/^$2=//p" "$OUT/$1/versions.txt" 2>/dev/null | grep . || echo "-"; }
rc_of() { cat "$OUT/$1/$2.rc" 2>/dev/null || echo "-"; }

demo_cell() {
  local rc; rc=$(rc_of "$1" demo)
  if [ "$rc" = 0 ]; then echo ok; else echo "FAILED (exit $rc)"; fi
}

# From surefire's final summary (the last "Tests run:" line without a class name after it).
tests_cell() {
  local suite=$1 line n f e s rc cell
  rc=$(rc_of "$suite" test)
  line=$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+[[:space:]]*$' \
    "$OUT/$suite/test.log" 2>/dev/null | tail -1 || true)
  if [ -z "$line" ]; then
    if [ "$rc" = 0 ]; then echo "no tests run"; else echo "build failed"; fi
    return
  fi
  read -r n f e s < <(sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+).*/\1 \2 \3 \4/' <<<"$line")
  cell="$(( n - f - e - s )) passed"
  [ $(( f + e )) -eq 0 ] || cell+=", $(( f + e )) failed"
  [ "$s" -eq 0 ] || cell+=", $s skipped"
  [ "$rc" = 0 ] || [ $(( f + e )) -ne 0 ] || cell+=" (exit $rc)"
  echo "$cell"
}

parity_cell() {
  local report=$OUT/$1/parity-report.md yes total
  if [ ! -f "$report" ]; then echo failed; return; fi
  yes=$(grep -cE '\| yes \|[[:space:]]*$' "$report" || true)
  total=$(grep -cE '\| (yes|NO) \|[[:space:]]*$' "$report" || true)
  if [ "$total" -eq 0 ]; then echo failed; else echo "$yes/$total match"; fi
}

host_build_cell() {
  local suite=$1 demo parity
  demo=$(rc_of "$suite" host-demo)
  if [ "$demo" = 0 ]; then demo="demo ok"; else demo="demo FAILED (exit $demo)"; fi
  parity=$(sed -n 's/^parity: \(.*\)$/\1/p' "$OUT/$suite/host-parity.log" 2>/dev/null | tail -1)
  echo "$demo, parity ${parity:-failed}"
}

# Everything exited 0, no test failed (skipped ones are fine), every parity scenario matched.
suite_ok() {
  local suite=$1 tests parity
  tests=$(tests_cell "$suite") parity=$(parity_cell "$suite")
  [ "$(rc_of "$suite" demo)" = 0 ] && [ "$(rc_of "$suite" test)" = 0 ] && [ "$(rc_of "$suite" parity)" = 0 ] &&
    [[ $tests =~ ^[0-9]+\ passed(,\ [0-9]+\ skipped)?$ ]] && [ "$parity" = "${parity%%/*}/${parity%%/*} match" ] &&
    { [ "$host_build" = 0 ] || { [ "$(rc_of "$suite" host-demo)" = 0 ] && [ "$(rc_of "$suite" host-parity)" = 0 ]; }; }
}

write_table() {
  local suite
  {
    echo "# gdtls-java on Debian suites"
    echo
    echo "Made by \`scripts/distro-check.sh ${suites[*]}\` on $(date -u '+%Y-%m-%d %H:%M UTC'), each suite in a clean copy"
    echo "of the work tree ($(git -C "$REPO" describe --always --dirty)) inside a debootstrap root. Logs: \`target/distro/SUITE/\`."
    echo
    local host_header="" host_rule=""
    if [ "$host_build" = 1 ]; then
      echo "The last column runs the host's build (GLib $(pkg-config --modversion glib-2.0), $(git -C "$REPO" describe --always --dirty)) in each root."
      echo
      host_header=" host's build |" host_rule="---|"
    fi
    echo "| suite | GLib | glib-networking | GnuTLS | JDK | demo | tests | parity |$host_header"
    echo "|---|---|---|---|---|---|---|---|$host_rule"
    for suite in "${suites[@]}"; do
      printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$suite" \
        "$(version_of "$suite" glib)" "$(version_of "$suite" glib_networking)" "$(version_of "$suite" gnutls)" \
        "$(version_of "$suite" jdk)" "$(demo_cell "$suite")" "$(tests_cell "$suite")" "$(parity_cell "$suite")"
      if [ "$host_build" = 1 ]; then printf ' %s |' "$(host_build_cell "$suite")"; fi
      printf '\n'
    done
  } >"$OUT/results.md"
  cat "$OUT/results.md"
}

# --- main -----------------------------------------------------------------------------------------------------

while [ $# -gt 0 ]; do
  case $1 in
    --fresh) fresh=1 ;;
    --host-build) host_build=1 ;;
    -h|--help) usage ;;
    -*) log "unknown option $1"; usage 2 >&2 ;;
    *) [[ $1 =~ ^[a-z]+$ ]] || die "not a suite name: $1"; suites+=("$1") ;;
  esac
  shift
done
[ ${#suites[@]} -gt 0 ] || usage 2 >&2

ensure_host_tools
mkdir -p "$OUT"
[ "$host_build" = 0 ] || build_on_host
for suite in "${suites[@]}"; do check_suite "$suite"; done
write_table

with_report=()
for suite in "${suites[@]}"; do [ ! -f "$OUT/$suite/parity-report.md" ] || with_report+=("$suite"); done
if [ ${#with_report[@]} -ge 2 ]; then
  (cd "$REPO" && python3 scripts/gio-versions.py "${with_report[@]}") || log "distro-check: gio-versions.py failed"
fi

status=0
for suite in "${suites[@]}"; do suite_ok "$suite" || status=1; done
exit $status
