/* GdtlsFilterDatagram with a Java predicate: each decision is a trampoline call, the handle is released when the
 * filter object is finalized. */
#include "gdtls_glue.h"
#include "glue_internal.h"

static int java_filter(int direction, gint64 serial, gint64 size, gpointer data)
{
  /* gdtls_call_java returns 0 when Java cannot be reached: that keeps the datagram (only DROP drops). */
  return (int) gdtls_call_java(GDTLS_CALLBACK_DATAGRAM_FILTER, (gint64) (gintptr) data, direction, serial, size);
}

static void release_java_filter(gpointer data)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, (gint64) (gintptr) data, 0, 0, 0);
}

GDTLS_EXPORT GDatagramBased *gdtls_filter_datagram_new_java(GDatagramBased *base, gint64 handle)
{
  return gdtls_filter_datagram_new(base, java_filter, (gpointer) (gintptr) handle, release_java_filter);
}
