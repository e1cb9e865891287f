/* GdtlsInteraction: a GTlsInteraction implemented in Java. Only the synchronous vfuncs are overridden;
 * GTlsInteraction's invoke_* functions run them in the interaction's context (or the calling thread if that
 * context is free), which may be a GLib worker thread: the trampoline attaches it to the JVM. */
#include "gdtls_glue.h"
#include "glue_internal.h"

typedef struct {
  GTlsInteraction parent;
  gint64 handle;
} GdtlsInteraction;

typedef struct {
  GTlsInteractionClass parent_class;
} GdtlsInteractionClass;

G_DEFINE_TYPE(GdtlsInteraction, gdtls_interaction, G_TYPE_TLS_INTERACTION)

#define ADDRESS(p) ((gint64) (gintptr) (p))

/* Java may set *error itself (g_set_error_literal); FAILED without an error would break the vfunc's contract. */
static GTlsInteractionResult checked(gint64 result, GError **error)
{
  if (result == G_TLS_INTERACTION_FAILED) {
    if (error != NULL && *error == NULL)
      g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "TLS interaction failed");
    return G_TLS_INTERACTION_FAILED;
  }
  return result == G_TLS_INTERACTION_HANDLED ? G_TLS_INTERACTION_HANDLED : G_TLS_INTERACTION_UNHANDLED;
}

static GTlsInteractionResult ask_password(GTlsInteraction *interaction, GTlsPassword *password,
                                          GCancellable *cancellable, GError **error)
{
  GdtlsInteraction *self = (GdtlsInteraction *) interaction;
  return checked(gdtls_call_java(GDTLS_CALLBACK_ASK_PASSWORD, self->handle, ADDRESS(password), ADDRESS(error), 0),
                 error);
}

static GTlsInteractionResult request_certificate(GTlsInteraction *interaction, GTlsConnection *connection,
                                                 GTlsCertificateRequestFlags flags, GCancellable *cancellable,
                                                 GError **error)
{
  GdtlsInteraction *self = (GdtlsInteraction *) interaction;
  return checked(gdtls_call_java(GDTLS_CALLBACK_REQUEST_CERTIFICATE, self->handle, ADDRESS(connection),
                                 ADDRESS(error), (gint64) flags),
                 error);
}

static void gdtls_interaction_finalize(GObject *object)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, ((GdtlsInteraction *) object)->handle, 0, 0, 0);
  G_OBJECT_CLASS(gdtls_interaction_parent_class)->finalize(object);
}

static void gdtls_interaction_class_init(GdtlsInteractionClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = gdtls_interaction_finalize;
  klass->parent_class.ask_password = ask_password;
  klass->parent_class.request_certificate = request_certificate;
}

static void gdtls_interaction_init(GdtlsInteraction *self)
{
}

GDTLS_EXPORT GTlsInteraction *gdtls_interaction_new(gint64 handle)
{
  GdtlsInteraction *self = g_object_new(gdtls_interaction_get_type(), NULL);
  self->handle = handle;
  return G_TLS_INTERACTION(self);
}
