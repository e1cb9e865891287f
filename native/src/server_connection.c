/* A GDtlsServerConnection constructed with its database (g_initable_new is varargs, out of JavaCPP's reach). */
#include "gdtls_glue.h"
#include "glue_internal.h"

GDTLS_EXPORT GDatagramBased *gdtls_dtls_server_connection_new(GDatagramBased *base, GTlsCertificate *certificate,
                                                              GTlsDatabase *database, GError **error)
{
  g_return_val_if_fail(G_IS_DATAGRAM_BASED(base), NULL);
  g_return_val_if_fail(certificate == NULL || G_IS_TLS_CERTIFICATE(certificate), NULL);
  g_return_val_if_fail(database == NULL || G_IS_TLS_DATABASE(database), NULL);
  GType type = g_tls_backend_get_dtls_server_connection_type(g_tls_backend_get_default());
  if (type == G_TYPE_INVALID) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "The TLS backend has no DTLS server connection");
    return NULL;
  }
  GObject *conn = g_initable_new(type, NULL, error,
                                 "base-socket", base,
                                 "certificate", certificate,
                                 "database", database,
                                 NULL);
  return conn == NULL ? NULL : G_DATAGRAM_BASED(conn);
}
