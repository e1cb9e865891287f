# GLib/GIO through pkg-config (Debian: libglib2.0-dev) and the JNI headers of the JDK that runs the build.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GIO REQUIRED IMPORTED_TARGET gio-2.0>=2.72)
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
