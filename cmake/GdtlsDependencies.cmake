# GLib/GIO through pkg-config (Debian: libglib2.0-dev) and the JNI headers of the JDK that runs the build.
# GDTLS_GLIB_REQUIRED is the oldest GLib supported (the pom passes its glib.required). Everything here is compiled
# as if the headers were that version's (GLIB_VERSION_MAX_ALLOWED): a newer GLib's API would warn, and nothing
# built here then needs a symbol the required GLib lacks.
set(GDTLS_GLIB_REQUIRED "2.74" CACHE STRING "Oldest supported GLib, 2.N")
if(NOT GDTLS_GLIB_REQUIRED MATCHES "^2\\.([0-9]+)$")
  message(FATAL_ERROR "GDTLS_GLIB_REQUIRED must be 2.N, not ${GDTLS_GLIB_REQUIRED}")
endif()
set(GDTLS_GLIB_REQUIRED_MINOR "${CMAKE_MATCH_1}")
find_package(PkgConfig REQUIRED)
pkg_check_modules(GIO REQUIRED IMPORTED_TARGET gio-2.0>=${GDTLS_GLIB_REQUIRED})
set_property(TARGET PkgConfig::GIO APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
  GLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_${GDTLS_GLIB_REQUIRED_MINOR}
  GLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_${GDTLS_GLIB_REQUIRED_MINOR}
  GDTLS_GLIB_REQUIRED_MINOR=${GDTLS_GLIB_REQUIRED_MINOR})
find_package(Threads REQUIRED)

# Only jni.h is needed: libjvm is already in the process when the glue is loaded, so nothing links to it.
set(_jdk_hints "$ENV{JAVA_HOME}")
find_program(_javac javac)
if(_javac)
  get_filename_component(_javac_real "${_javac}" REALPATH)
  get_filename_component(_jdk_from_javac "${_javac_real}/../.." ABSOLUTE)
  list(APPEND _jdk_hints "${_jdk_from_javac}")
endif()
find_path(JNI_INCLUDE_DIR jni.h HINTS ${_jdk_hints} PATH_SUFFIXES include REQUIRED NO_DEFAULT_PATH)
find_path(JNI_MD_INCLUDE_DIR jni_md.h HINTS ${JNI_INCLUDE_DIR} PATH_SUFFIXES linux REQUIRED NO_DEFAULT_PATH)
set(JNI_INCLUDE_DIRS "${JNI_INCLUDE_DIR}" "${JNI_MD_INCLUDE_DIR}")
message(STATUS "JNI headers: ${JNI_INCLUDE_DIRS}")
