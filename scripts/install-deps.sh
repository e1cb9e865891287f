#!/usr/bin/env bash
# Installs what building and testing gdtls-java needs on Debian 12 and later (or Ubuntu), if it is missing.
# Maven fetches its own dependencies (JavaCPP, JUnit, jnr-ffi) on the first build.
#   scripts/install-deps.sh          the host build
#   scripts/install-deps.sh arm64    also the linux-arm64 cross build (mvn -Plinux-arm64, on an amd64 host): Debian's
#                                    aarch64 cross compilers and GLib's arm64 dev package, which needs the arm64
#                                    architecture in dpkg (multiarch: it installs beside the amd64 one). Tried on
#                                    Debian 12 only; Ubuntu serves arm64 from ports.ubuntu.com, which its apt
#                                    sources would have to list for arm64
set -euo pipefail

packages=(libglib2.0-dev glib-networking pkg-config cmake make gcc g++ gnutls-bin openssl softhsm2 maven)
arm64=false
case "${1:-}" in
  "") ;;
  arm64)
    arm64=true
    # the arm64 GLib must be the same version as the amd64 one (Multi-Arch: same): apt upgrades both together
    packages+=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libglib2.0-dev:arm64)
    ;;
  *) echo "usage: $0 [arm64]" >&2; exit 2 ;;
esac
# Any JDK 17+ will do; install one only when there is no javac at all: the suite's default JDK (17 on Debian 12,
# 21 on 13, 25 on testing; Debian 13 and later have no openjdk-17 package).
if command -v javac >/dev/null 2>&1; then
  javac_major=$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
  if [ "${javac_major:-0}" -lt 17 ]; then
    echo "gdtls: $(command -v javac) is JDK ${javac_major:-?}; gdtls-java needs JDK 17 or later (set JAVA_HOME/PATH)" >&2
    exit 1
  fi
else
  packages+=(default-jdk-headless)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "gdtls: missing Debian packages: ${missing[*]}" >&2
  echo "gdtls: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "gdtls: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if $arm64 && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "gdtls: adding the arm64 architecture to dpkg (dpkg --add-architecture arm64)" >&2
  dpkg --add-architecture arm64
fi
# wait for another apt run (e.g. a parallel build's) instead of failing on its lock
apt-get update -qq -o DPkg::Lock::Timeout=600
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
