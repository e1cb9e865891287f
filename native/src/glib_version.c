/* GLib versions for NativeLibrary's load-time check (gdtls_version.h). */
#include "gdtls_version.h"
#include "glue_internal.h"

#ifndef GDTLS_GLIB_REQUIRED_MINOR
#error "GDTLS_GLIB_REQUIRED_MINOR comes from CMake (GDTLS_GLIB_REQUIRED)"
#endif

GDTLS_EXPORT int gdtls_glib_required_version(void)
{
  return GDTLS_GLIB_VERSION_NUMBER(2, GDTLS_GLIB_REQUIRED_MINOR, 0);
}

GDTLS_EXPORT int gdtls_glib_build_version(void)
{
  return GDTLS_GLIB_VERSION_NUMBER(GLIB_MAJOR_VERSION, GLIB_MINOR_VERSION, GLIB_MICRO_VERSION);
}

GDTLS_EXPORT int gdtls_glib_runtime_version(void)
{
  /* Variables of libglib itself, present in every GLib 2.x: readable even on a GLib older than required. */
  return GDTLS_GLIB_VERSION_NUMBER(glib_major_version, glib_minor_version, glib_micro_version);
}
