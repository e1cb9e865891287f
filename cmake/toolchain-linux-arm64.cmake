# Cross-compiling the glue for linux-arm64 on Debian amd64 (the pom's linux-arm64 profile passes this file):
# Debian's cross compilers (gcc-aarch64-linux-gnu) and the arm64 multiarch dev packages (libglib2.0-dev:arm64),
# which install beside the host's under /usr/lib/aarch64-linux-gnu, so no sysroot is needed.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# pkg-config reads only arm64 .pc files (plus the architecture-independent ones): the host's gio-2.0.pc would
# link the amd64 libraries.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
