/*
 * Which GLib the binding needs, which GLib the glue was compiled against, and which one this process runs on.
 * NativeLibrary compares them right after loading, before any other GLib call, so a GLib older than required
 * is reported by name instead of failing later on a missing symbol.
 */
#ifndef GDTLS_VERSION_H
#define GDTLS_VERSION_H

#include <glib.h>

G_BEGIN_DECLS

/* Versions as one number: major * 10000 + minor * 100 + micro, so 2.74.6 is 27406. */
#define GDTLS_GLIB_VERSION_NUMBER(major, minor, micro) ((major) * 10000 + (minor) * 100 + (micro))

/* The oldest GLib the binding supports (the build's GDTLS_GLIB_REQUIRED, e.g. 2.74.0). */
int gdtls_glib_required_version(void);

/* GLIB_MAJOR/MINOR/MICRO_VERSION of the headers the glue was compiled with. */
int gdtls_glib_build_version(void);

/* glib_major/minor/micro_version of the libglib loaded in this process. */
int gdtls_glib_runtime_version(void);

G_END_DECLS

#endif
