/* Symbols for GObject macros that the binding needs. */
#include "gdtls_glue.h"
#include "glue_internal.h"

GDTLS_EXPORT const char *gdtls_object_type_name(gpointer instance)
{
  g_return_val_if_fail(G_IS_OBJECT(instance), NULL);
  return G_OBJECT_TYPE_NAME(instance);
}

GDTLS_EXPORT const char *gdtls_type_name(GType type)
{
  return type == G_TYPE_INVALID ? NULL : g_type_name(type);
}

GDTLS_EXPORT GType gdtls_object_property_type(gpointer instance, const char *name)
{
  g_return_val_if_fail(G_IS_OBJECT(instance), 0);
  g_return_val_if_fail(name != NULL, 0);
  GParamSpec *pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(instance), name);
  return pspec == NULL ? 0 : G_PARAM_SPEC_VALUE_TYPE(pspec);
}
