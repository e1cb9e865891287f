# Sourced by the benchmark scripts: the facts a result is read against, as MACHINE_* and SOURCE_REVISION.
export MACHINE_NPROC="$(nproc)"
export MACHINE_CPU="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
export MACHINE_KERNEL="$(uname -srm)"
export MACHINE_VIRT="$(systemd-detect-virt 2>/dev/null || true)"
export MACHINE_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
export SOURCE_REVISION="$(git describe --always --dirty 2>/dev/null || echo unknown)"
export MACHINE_GIO="gio $(pkg-config --modversion gio-2.0)$(dpkg-query -W -f=', ${Package} ${Version}' glib-networking libgnutls30 2>/dev/null || true)"
