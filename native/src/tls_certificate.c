/* GTlsCertificate construction through construct properties (g_initable_new is varargs, out of JavaCPP's reach). */
#include <string.h>

#include "gdtls_glue.h"
#include "glue_internal.h"

static GByteArray *copy_bytes(const guint8 *data, gsize length)
{
  if (data == NULL)
    return NULL;
  GByteArray *array = g_byte_array_sized_new(length);
  g_byte_array_append(array, data, length);
  return array;
}

GDTLS_EXPORT GTlsCertificate *gdtls_tls_certificate_new(const char *certificate_pem, const guint8 *certificate_der,
                                                        gsize certificate_der_length, const char *private_key_pem,
                                                        const guint8 *private_key_der, gsize private_key_der_length,
                                                        GTlsCertificate *issuer, GError **error)
{
  g_return_val_if_fail((certificate_pem == NULL) != (certificate_der == NULL), NULL);
  g_return_val_if_fail(private_key_pem == NULL || private_key_der == NULL, NULL);
  g_return_val_if_fail(certificate_der_length <= G_MAXUINT && private_key_der_length <= G_MAXUINT, NULL);
  g_return_val_if_fail(issuer == NULL || G_IS_TLS_CERTIFICATE(issuer), NULL);

  GByteArray *certificate = copy_bytes(certificate_der, certificate_der_length);
  GByteArray *private_key = copy_bytes(private_key_der, private_key_der_length);
  GTlsBackend *backend = g_tls_backend_get_default();
  /* NULL values are skipped by the backends' set_property (glib-networking: "if (!bytes) break;"). */
  GObject *cert = g_initable_new(g_tls_backend_get_certificate_type(backend), NULL, error,
                                 "certificate", certificate,
                                 "certificate-pem", certificate_pem,
                                 "private-key", private_key,
                                 "private-key-pem", private_key_pem,
                                 "issuer", issuer,
                                 NULL);
  if (certificate != NULL)
    g_byte_array_unref(certificate);
  if (private_key != NULL)
    {
      /* glib-networking's GnuTLS and OpenSSL backends (2.74 to 2.90) parse the key from g_value_get_boxed() and keep
       * no reference to the array, so this copy of the secret is ours alone: wipe it before freeing it. */
      memset(private_key->data, 0, private_key->len);
      g_byte_array_unref(private_key);
    }
  return cert == NULL ? NULL : G_TLS_CERTIFICATE(cert);
}
