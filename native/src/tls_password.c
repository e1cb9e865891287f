/* The value of a GTlsPassword kept in memory that is wiped when GIO lets go of it. */
#include <string.h>

#include "gdtls_glue.h"
#include "glue_internal.h"

/* The length lives in front of the bytes GIO sees, since a GDestroyNotify gets only the pointer. */
typedef struct {
  gsize length;
  guint8 bytes[];
} WipedValue;

static void wipe_and_free(gpointer value)
{
  WipedValue *wiped = (WipedValue *) ((guint8 *) value - G_STRUCT_OFFSET(WipedValue, bytes));
  /* explicit_bzero: a memset before free may be optimized away. */
  explicit_bzero(wiped->bytes, wiped->length + 1);
  g_free(wiped);
}

GDTLS_EXPORT void gdtls_password_set_value_wiped(GTlsPassword *password, const guint8 *value, gsize length)
{
  g_return_if_fail(G_IS_TLS_PASSWORD(password));
  g_return_if_fail(value != NULL || length == 0);
  WipedValue *wiped = g_malloc(sizeof(WipedValue) + length + 1);
  wiped->length = length;
  if (length > 0)
    memcpy(wiped->bytes, value, length);
  wiped->bytes[length] = 0; /* NUL-terminated too, for code that reads it as a string */
  g_tls_password_set_value_full(password, wiped->bytes, (gssize) length, wipe_and_free);
}
