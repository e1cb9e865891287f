#!/usr/bin/env bash
# Checks the jar's linux-arm64 half on arm64 (issue 13), from this tree, as root on an x86-64 Debian 12 host:
#   1. deps     scripts/install-deps.sh arm64 (the cross toolchain, GLib's arm64 dev package), qemu-user-static and
#               mmdebstrap
#   2. build    mvn -Plinux-arm64 package: the library jar and the CLI jar, each with linux-x86_64 and linux-arm64;
#               first, JavaCPP's Parser on the arm64 glibconfig.h must generate the same Java as on the amd64 one
#               (the jar has one generated layer for both)
#   3. root     an arm64 Debian 12 root with the JRE and glib-networking (mmdebstrap --variant=extract: the arm64
#               .debs and their dependencies unpacked, nothing run), kept under
#               ${GDTLS_ROOTS:-/var/tmp/gdtls-roots}/bookworm-arm64 and reused
#   4. natives  both jars carry the three libraries for both platforms; the arm64 ones are AArch64, need only
#               GLib, libgdtls-glue and the C/C++ runtimes, have no RUNPATH but $ORIGIN, need no glibc symbol
#               version newer than 2.34, and every symbol they import is defined by the library that the root
#               gives for their NEEDED entries (so nothing newer than Debian 12's GLib, glibc or libstdc++)
#   5. run      the CLI jar's `info` and `demo` in the root, with qemu-aarch64-static (copied into the root: no
#               binfmt_misc needed) running the root's arm64 JVM in a chroot: info must report Linux aarch64 and
#               GnuTLS, the demo its handshake and verified echo, and JavaCPP's cache must hold the linux-arm64
#               libraries it loaded from the jar, and no others
#
#   scripts/arm64-check.sh [--fresh] [maven options]     --fresh: make the root again
#
# Prints how long each step took. Needs root (apt-get, chroot, mount). Exit status 1 on any failure.
set -euo pipefail

REPO=$(git -C "$(dirname "$(readlink -f "$0")")" rev-parse --show-toplevel)
ROOTS=${GDTLS_ROOTS:-/var/tmp/gdtls-roots}
ROOT=$ROOTS/bookworm-arm64
READY=.gdtls-root-ready              # written last into the root: a root without it is half-made
# The packages the run needs; mmdebstrap adds their dependency closure (libc6, libgnutls30, ...).
ROOT_PACKAGES=openjdk-17-jre-headless,glib-networking,libglib2.0-0
JAVA=/usr/lib/jvm/java-17-openjdk-arm64/bin/java
RUN_DIR=/tmp/gdtls-arm64-check       # inside the root: the jar and JavaCPP's cache
MIRRORS=("deb http://deb.debian.org/debian bookworm main"
         "deb http://deb.debian.org/debian bookworm-updates main"
         "deb http://deb.debian.org/debian-security bookworm-security main")
# What the arm64 libraries may need (NEEDED): GLib, the glue beside them, the C and C++ runtimes.
ALLOWED_NEEDED=" libgio-2.0.so.0 libgobject-2.0.so.0 libglib-2.0.so.0 libgdtls-glue.so libstdc++.so.6 libgcc_s.so.1 libc.so.6 libm.so.6 "
GLIBC_MAX=2.34                       # the README's promise for both platforms
LIBS=(libgdtls-glue.so libjniGio.so libjniGlue.so)
GEN=org/gdtls/internal/gen/global

fresh=0
maven_args=()
for a in "$@"; do
  case "$a" in
    --fresh) fresh=1 ;;
    -h|--help) sed -n '2,22s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) maven_args+=("$a") ;;
  esac
done

started=$(date +%s)
timings=()
step_started=0
step=""
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "arm64-check: FAILED in step $step: $*"; exit 1; }
begin() { step=$1; step_started=$(date +%s); log "== $step: $2"; }
end() { timings+=("$(printf '%-8s %4ds' "$step" $(( $(date +%s) - step_started )))"); }

tmp=$(mktemp -d)
proc_mounted=0
# shellcheck disable=SC2317  # reached through the trap
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$proc_mounted" = 1 ]; then umount "$ROOT/proc" 2>/dev/null || umount -l "$ROOT/proc" || true; fi
  rm -rf "$tmp"
  if [ ${#timings[@]} -gt 0 ]; then
    log "timings:"
    printf '  %s\n' "${timings[@]}" >&2
  fi
  log "total    $(( $(date +%s) - started ))s: $([ "$status" = 0 ] && echo passed || echo FAILED)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { log "arm64-check: run as root (apt-get, chroot, mount)"; exit 1; }
[ "$(uname -m)" = x86_64 ] || { log "arm64-check: cross-compiles on x86-64 hosts only, not $(uname -m)"; exit 1; }

# --- 1. deps ------------------------------------------------------------------------------------------------
begin deps "scripts/install-deps.sh arm64, qemu-user-static, mmdebstrap"
"$REPO/scripts/install-deps.sh" arm64 || fail "scripts/install-deps.sh arm64"
missing=()
for p in qemu-user-static mmdebstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
    "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]}"
fi
end

# --- 2. build -----------------------------------------------------------------------------------------------
begin build "the generated Java from the arm64 headers, then mvn -Plinux-arm64 package (no tests)"
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$REPO/pom.xml" | head -n 1)
generated=$REPO/target/generated-sources/javacpp
(cd "$REPO" && mvn -B -q -Dglib.libincludedir=/usr/lib/aarch64-linux-gnu/glib-2.0/include "${maven_args[@]}" \
  generate-sources) >"$tmp/parse.log" 2>&1 || { tail -n 40 "$tmp/parse.log" >&2; fail "the Parser on the arm64 headers"; }
cp -a "$generated" "$tmp/generated-arm64"
(cd "$REPO" && mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Plinux-arm64 \
  "${maven_args[@]}" package) >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log" >&2; fail "the build"; }
diff -r "$tmp/generated-arm64" "$generated" >"$tmp/generated.diff" \
  || { head -n 40 "$tmp/generated.diff" >&2; fail "the Parser generates other Java from the arm64 headers"; }
log "the generated Java is the same from the arm64 and the amd64 headers ($(find "$generated" -name '*.java' | wc -l) files)"
lib_jar=$REPO/target/gdtls-java-$version.jar
cli_jar=$REPO/target/gdtls-cli-$version.jar
[ -f "$lib_jar" ] && [ -f "$cli_jar" ] || fail "no $lib_jar or $cli_jar"
end

# --- 3. root ------------------------------------------------------------------------------------------------
begin root "$ROOT"
mkdir -p "$ROOTS"
exec {lock_fd}>"$ROOTS/bookworm-arm64.lock"
flock -w 600 "$lock_fd" || fail "another run holds $ROOTS/bookworm-arm64.lock"
if [ "$fresh" = 1 ] || [ ! -f "$ROOT/$READY" ]; then
  # a killed run may have left its /proc mounted there
  for d in "$ROOT" "$ROOT.new"; do
    if mountpoint -q "$d/proc"; then umount "$d/proc" || umount -l "$d/proc"; fi
  done
  rm -rf --one-file-system "$ROOT" "$ROOT.new"
  log "making the root: mmdebstrap --variant=extract --architectures=arm64 --include=$ROOT_PACKAGES bookworm"
  mmdebstrap --quiet --variant=extract --architectures=arm64 --include="$ROOT_PACKAGES" \
    bookworm "$ROOT.new" "${MIRRORS[@]}" >"$tmp/root.log" 2>&1 || { tail -n 30 "$tmp/root.log" >&2; fail "mmdebstrap"; }
  mkdir -p "$ROOT.new/proc"
  date -u +%FT%TZ >"$ROOT.new/$READY"
  mv "$ROOT.new" "$ROOT"
else
  log "reusing the root made $(cat "$ROOT/$READY") (--fresh makes it again)"
fi
[ -x "$ROOT$JAVA" ] || fail "no $JAVA in $ROOT"
for dev in null zero random urandom; do [ -c "$ROOT/dev/$dev" ] || fail "no /dev/$dev in $ROOT"; done
end

# --- 4. natives ---------------------------------------------------------------------------------------------
begin natives "what the jars carry, and what the arm64 libraries need"
for jar in "$lib_jar" "$cli_jar"; do
  listing=$(unzip -Z1 "$jar")
  for platform in linux-x86_64 linux-arm64; do
    for lib in "${LIBS[@]}"; do
      grep -qx "$GEN/$platform/$lib" <<<"$listing" || fail "$(basename "$jar") lacks $GEN/$platform/$lib"
    done
  done
done
unzip -q -o "$lib_jar" "$GEN/*" -d "$tmp/jar"
declare -A machine=([linux-x86_64]="Advanced Micro Devices X86-64" [linux-arm64]=AArch64)
for platform in linux-x86_64 linux-arm64; do
  for lib in "${LIBS[@]}"; do
    got=$(readelf -h "$tmp/jar/$GEN/$platform/$lib" | sed -n 's/^ *Machine: *//p')
    [ "$got" = "${machine[$platform]}" ] || fail "$platform/$lib is built for $got"
  done
done

# Where the root's dynamic loader would find a NEEDED library (the glue: beside the library, through $ORIGIN).
root_library() {
  local name=$1 dir
  for dir in "$tmp/jar/$GEN/linux-arm64" "$ROOT/lib/aarch64-linux-gnu" "$ROOT/usr/lib/aarch64-linux-gnu"; do
    [ -e "$dir/$name" ] && { readlink -f "$dir/$name"; return 0; }
  done
  return 1
}
# Dynamic symbols a library defines, as name and name@version.
defined_symbols() {
  readelf --dyn-syms -W "$1" | awk '$7 != "UND" && $8 != "" && $1 ~ /^[0-9]+:$/ {
    s = $8; sub(/@@/, "@", s); print s; n = s; sub(/@.*/, "", n); print n }'
}
for lib in "${LIBS[@]}"; do
  f=$tmp/jar/$GEN/linux-arm64/$lib
  dynamic=$(readelf -d "$f")
  needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dynamic")
  for n in $needed; do
    [[ "$ALLOWED_NEEDED" == *" $n "* ]] || fail "linux-arm64/$lib needs $n"
  done
  while read -r runpath; do
    [ -n "$runpath" ] || continue
    IFS=: read -r -a entries <<<"$runpath"
    for e in "${entries[@]}"; do [[ "$e" == '$ORIGIN'* ]] || fail "linux-arm64/$lib has $e in its RUNPATH"; done
  done < <(sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p' <<<"$dynamic")
  newest=$(readelf -V -W "$f" | grep -o 'Name: GLIBC_[0-9.]*' | sed 's/Name: GLIBC_//' | sort -uV | tail -n 1)
  [ "$(printf '%s\n%s\n' "$newest" "$GLIBC_MAX" | sort -V | tail -n 1)" = "$GLIBC_MAX" ] \
    || fail "linux-arm64/$lib needs GLIBC_$newest (newer than $GLIBC_MAX)"
  : >"$tmp/defined"
  for n in $needed; do
    path=$(root_library "$n") || fail "linux-arm64/$lib needs $n, which the root does not have"
    defined_symbols "$path" >>"$tmp/defined"
  done
  sort -u -o "$tmp/defined" "$tmp/defined"
  readelf --dyn-syms -W "$f" | awk '$7 == "UND" && $5 != "WEAK" && $8 != "" { print $8 }' | sort -u >"$tmp/imported"
  unresolved=$(comm -23 "$tmp/imported" "$tmp/defined")
  [ -z "$unresolved" ] || fail "linux-arm64/$lib imports what its NEEDED libraries in the root lack: $(echo $unresolved)"
  log "linux-arm64/$lib: AArch64, NEEDED $(echo $needed), glibc <= $newest, $(wc -l <"$tmp/imported") imports all defined in the root"
done
end

# --- 5. run -------------------------------------------------------------------------------------------------
begin run "info and demo of the CLI jar on the root's arm64 JVM (qemu-aarch64-static, chroot)"
cp /usr/bin/qemu-aarch64-static "$ROOT/usr/bin/qemu-aarch64-static"
rm -rf "${ROOT:?}$RUN_DIR"
mkdir -p "$ROOT$RUN_DIR"
cp "$cli_jar" "$ROOT$RUN_DIR/"
if mountpoint -q "$ROOT/proc"; then umount "$ROOT/proc" || umount -l "$ROOT/proc"; fi
mount -t proc proc "$ROOT/proc" || fail "mount -t proc proc $ROOT/proc"
proc_mounted=1
in_root() {
  # a clean environment: nothing of the host's GIO or Java settings reaches the root's JVM
  timeout 600 env -i PATH=/usr/bin:/bin HOME="$RUN_DIR" LANG=C.UTF-8 "$(command -v chroot)" "$ROOT" /usr/bin/qemu-aarch64-static \
    "$JAVA" -Dorg.bytedeco.javacpp.cachedir="$RUN_DIR/cache" -jar "$RUN_DIR/$(basename "$cli_jar")" "$@"
}
in_root info >"$tmp/info.txt" 2>&1 || { cat "$tmp/info.txt" >&2; fail "gdtls info"; }
cat "$tmp/info.txt" >&2
grep -q '^java: .*Linux aarch64$' "$tmp/info.txt" || fail "info does not report Linux aarch64"
grep -q '^tls backend: *GTlsBackendGnutls$' "$tmp/info.txt" || fail "info does not report the GnuTLS backend"
in_root demo >"$tmp/demo.txt" 2>&1 || { cat "$tmp/demo.txt" >&2; fail "gdtls demo"; }
cat "$tmp/demo.txt" >&2
grep -q '^protocol: *DTLS_1_2$' "$tmp/demo.txt" || fail "the demo reports no DTLS 1.2 handshake"
grep -q '^echo: .*all verified$' "$tmp/demo.txt" || fail "the demo's echo was not verified"
loaded=$(cd "$ROOT$RUN_DIR/cache" && find . -name '*.so' | sed 's|^.*/global/||' | sort | tr '\n' ' ')
[ "$loaded" = "linux-arm64/libgdtls-glue.so linux-arm64/libjniGio.so linux-arm64/libjniGlue.so " ] \
  || fail "JavaCPP's cache holds $loaded, not the three linux-arm64 libraries"
log "JavaCPP's cache (what its Loader extracted from the jar to load): $loaded"
end
log "arm64-check: passed ($(date -u +%F))"
