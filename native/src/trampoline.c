/* The GLib-facing side of the trampoline: one small C handler per callback shape, all funnelled into
 * gdtls_call_java() with the Java registry handle that was given as user data. */
#include "gdtls_glue.h"
#include "glue_internal.h"

#define HANDLE(data) ((gint64) (gintptr) (data))
#define ADDRESS(p) ((gint64) (gintptr) (p))

static gboolean on_accept_certificate(GObject *connection, GTlsCertificate *peer_cert,
                                      GTlsCertificateFlags errors, gpointer data)
{
  return gdtls_call_java(GDTLS_CALLBACK_ACCEPT_CERTIFICATE, HANDLE(data), ADDRESS(peer_cert), (gint64) errors, 0) != 0;
}

static void on_notify(GObject *object, GParamSpec *pspec, gpointer data)
{
  /* The property name is interned by GObject, so Java may read it as a C string during the call. */
  gdtls_call_java(GDTLS_CALLBACK_NOTIFY, HANDLE(data), ADDRESS(pspec->name), 0, 0);
}

static void on_release(gpointer data, GClosure *closure)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, HANDLE(data), 0, 0, 0);
}

GDTLS_EXPORT gulong gdtls_signal_connect(gpointer instance, const char *detailed_signal, int kind, gint64 handle)
{
  GCallback handler;
  g_return_val_if_fail(G_IS_OBJECT(instance), 0);
  g_return_val_if_fail(detailed_signal != NULL, 0);

  switch (kind) {
  case GDTLS_CALLBACK_ACCEPT_CERTIFICATE:
    handler = G_CALLBACK(on_accept_certificate);
    break;
  case GDTLS_CALLBACK_NOTIFY:
    handler = G_CALLBACK(on_notify);
    break;
  default:
    g_critical("gdtls_signal_connect: unknown callback kind %d", kind);
    return 0;
  }
  guint signal_id;
  GQuark detail;
  /* Look the signal up on the instance's own type: glib-networking emits GTlsConnection::accept-certificate. */
  if (!g_signal_parse_name(detailed_signal, G_OBJECT_TYPE(instance), &signal_id, &detail, TRUE))
    return 0;
  return g_signal_connect_data(instance, detailed_signal, handler, (gpointer) (gintptr) handle, on_release, 0);
}
