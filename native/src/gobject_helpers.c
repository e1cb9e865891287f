/* Symbols for GObject macros that the binding needs. */
#include "gdtls_glue.h"
#include "glue_internal.h"

GDTLS_EXPORT const char *gdtls_object_type_name(gpointer instance)
{
  g_return_val_if_fail(G_IS_OBJECT(instance), NULL);
  return G_OBJECT_TYPE_NAME(instance);
}
