/* GdtlsPeerDatagram whose sends are Java (DatagramSink): each datagram is one trampoline call with its address
 * and size, valid during the call only; the handle is released when the object is finalized. */
#include "gdtls_glue.h"
#include "glue_internal.h"

static gboolean java_send(gconstpointer data, gsize size, gpointer handle, GError **error)
{
  /* Java sets *error itself when the sink throws; 0 without an error means Java could not be reached. */
  return gdtls_call_java(GDTLS_CALLBACK_DATAGRAM_SEND, (gint64) (gintptr) handle, (gint64) (gintptr) data,
                         (gint64) size, (gint64) (gintptr) error) != 0;
}

static void release_java_sender(gpointer handle)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, (gint64) (gintptr) handle, 0, 0, 0);
}

GDTLS_EXPORT GDatagramBased *gdtls_peer_datagram_new_java(gint64 handle, guint capacity)
{
  return gdtls_peer_datagram_new_with_sender(java_send, (gpointer) (gintptr) handle, release_java_sender, capacity);
}
