/* GdtlsInteraction: a GTlsInteraction implemented in Java. Only the synchronous vfuncs are overridden;
 * GTlsInteraction's invoke_* functions run them in the interaction's context (or the calling thread if that
 * context is free), which may be a GLib worker thread: the trampoline attaches it to the JVM.
 *
 * GdtlsAsyncInteraction: the asynchronous flavour. Its sync vfuncs stay NULL, because GIO's invoke_* functions
 * prefer a sync vfunc whenever there is one (GLib 2.74 gtlsinteraction.c); its *_async vfuncs hand Java a
 * GdtlsInteractionRequest and return at once; Java answers it later, from any thread, with
 * gdtls_interaction_request_return(); a cancellation of the request's GCancellable answers it first. */
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

typedef struct {
  GTlsInteraction parent;
  gint64 handle;
} GdtlsAsyncInteraction;

typedef struct {
  GTlsInteractionClass parent_class;
} GdtlsAsyncInteractionClass;

G_DEFINE_TYPE(GdtlsAsyncInteraction, gdtls_async_interaction, G_TYPE_TLS_INTERACTION)

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

/* ---- the asynchronous flavour ---- */

typedef struct {
  gint ref_count;            /* Java's reference, the vfunc's while it runs, the cancelled handler's */
  GMutex lock;               /* guards task, java_handle */
  GTask *task;               /* until answered (by Java or by the cancellation), then NULL */
  GCancellable *cancellable; /* a reference, or NULL */
  gulong handler_id;         /* of the "cancelled" handler, 0 if none */
  gint64 java_handle;        /* Java's registry id for GDTLS_CALLBACK_CANCELLED; 0 until Java took the request */
} GdtlsInteractionRequest;

static GdtlsInteractionRequest *request_ref(GdtlsInteractionRequest *request)
{
  g_atomic_int_inc(&request->ref_count);
  return request;
}

static void request_unref(gpointer data)
{
  GdtlsInteractionRequest *request = data;
  if (!g_atomic_int_dec_and_test(&request->ref_count))
    return;
  g_clear_object(&request->task); /* only if nobody answered: then GIO's callback never runs */
  g_clear_object(&request->cancellable);
  g_mutex_clear(&request->lock);
  g_free(request);
}

/* The task, taken by whoever answers first; NULL for everyone after. */
static GTask *request_take_task(GdtlsInteractionRequest *request)
{
  g_mutex_lock(&request->lock);
  GTask *task = request->task;
  request->task = NULL;
  g_mutex_unlock(&request->lock);
  return task;
}

/* GCancellable::cancelled, on the cancelling thread: answers FAILED with G_IO_ERROR_CANCELLED (GTask delivers it in
 * the task's context), then tells Java so the future its user holds is cancelled. Never disconnects anything. */
static void on_request_cancelled(GCancellable *cancellable, gpointer data)
{
  GdtlsInteractionRequest *request = data;
  GTask *task = request_take_task(request);
  if (task == NULL)
    return;
  g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  g_object_unref(task);
  g_mutex_lock(&request->lock);
  gint64 java_handle = request->java_handle;
  g_mutex_unlock(&request->lock);
  if (java_handle != 0)
    gdtls_call_java(GDTLS_CALLBACK_CANCELLED, java_handle, 0, 0, 0);
}

static void start_request(GTlsInteraction *interaction, int kind, GObject *argument, gint64 flags,
                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
                          gpointer source_tag)
{
  GdtlsAsyncInteraction *self = (GdtlsAsyncInteraction *) interaction;
  GdtlsInteractionRequest *request = g_new0(GdtlsInteractionRequest, 1);
  request->ref_count = 2; /* Java's (gdtls_interaction_request_release) and this function's */
  g_mutex_init(&request->lock);
  /* The task reports in the thread-default context here: GIO's invoke_* pushed the interaction's context. */
  request->task = g_task_new(interaction, cancellable, callback, user_data);
  g_task_set_source_tag(request->task, source_tag);
  /* The argument stays alive while Java may still use it. */
  g_task_set_task_data(request->task, g_object_ref(argument), g_object_unref);
  request->cancellable = cancellable != NULL ? g_object_ref(cancellable) : NULL;

  gint64 java_handle = gdtls_call_java(kind, self->handle, ADDRESS(argument), ADDRESS(request), flags);
  if (java_handle == 0) {
    /* Java could not be reached, or threw: it never took the request (nor its reference). */
    GTask *task = request_take_task(request);
    if (task != NULL) {
      g_task_return_int(task, G_TLS_INTERACTION_UNHANDLED);
      g_object_unref(task);
    }
    request_unref(request);
  }

  g_mutex_lock(&request->lock);
  request->java_handle = java_handle;
  gboolean pending = request->task != NULL;
  g_mutex_unlock(&request->lock);
  if (pending && cancellable != NULL) {
    /* Runs the handler at once (and returns 0) if already cancelled. A handler left connected after Java answered
     * finds no task; its reference goes when the cancellable is finalized or the handler disconnected. */
    gulong id = g_cancellable_connect(cancellable, G_CALLBACK(on_request_cancelled), request_ref(request),
                                      request_unref);
    g_mutex_lock(&request->lock);
    request->handler_id = id;
    g_mutex_unlock(&request->lock);
  }
  request_unref(request);
}

GDTLS_EXPORT int gdtls_interaction_request_return(gpointer data, int result, GError **error)
{
  GdtlsInteractionRequest *request = data;
  g_return_val_if_fail(request != NULL, 0);
  GTask *task = request_take_task(request);
  if (task == NULL) {
    if (error != NULL)
      g_clear_error(error);
    return 0;
  }
  if (error != NULL && *error != NULL)
    g_task_return_error(task, g_steal_pointer(error));
  else if (result == G_TLS_INTERACTION_FAILED)
    g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "TLS interaction failed");
  else
    g_task_return_int(task, result == G_TLS_INTERACTION_HANDLED ? G_TLS_INTERACTION_HANDLED
                                                                 : G_TLS_INTERACTION_UNHANDLED);
  g_object_unref(task);

  /* Disconnect the handler, unless the cancellable is cancelled: then this thread may be inside its "cancelled"
   * emission (a listener of the user's answered), where g_cancellable_disconnect waits for itself. A cancelled
   * cancellable never emits again, so the handler just stays until the cancellable goes. */
  g_mutex_lock(&request->lock);
  gulong id = request->handler_id;
  request->handler_id = 0;
  g_mutex_unlock(&request->lock);
  if (id != 0 && !g_cancellable_is_cancelled(request->cancellable))
    g_cancellable_disconnect(request->cancellable, id);
  return 1;
}

GDTLS_EXPORT void gdtls_interaction_request_release(gpointer request)
{
  g_return_if_fail(request != NULL);
  request_unref(request);
}

static gint64 finish_request(GTlsInteraction *interaction, GAsyncResult *result, gpointer source_tag,
                             GError **error)
{
  g_return_val_if_fail(g_task_is_valid(result, interaction), G_TLS_INTERACTION_FAILED);
  g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == source_tag, G_TLS_INTERACTION_FAILED);
  gssize answer = g_task_propagate_int(G_TASK(result), error); /* -1 with the error if failed or cancelled */
  return answer < 0 ? G_TLS_INTERACTION_FAILED : answer;
}

static void ask_password_async(GTlsInteraction *interaction, GTlsPassword *password, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  start_request(interaction, GDTLS_CALLBACK_ASK_PASSWORD_ASYNC, G_OBJECT(password), 0, cancellable, callback,
                user_data, ask_password_async);
}

static GTlsInteractionResult ask_password_finish(GTlsInteraction *interaction, GAsyncResult *result,
                                                 GError **error)
{
  return finish_request(interaction, result, ask_password_async, error);
}

static void request_certificate_async(GTlsInteraction *interaction, GTlsConnection *connection,
                                      GTlsCertificateRequestFlags flags, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  start_request(interaction, GDTLS_CALLBACK_REQUEST_CERTIFICATE_ASYNC, G_OBJECT(connection), (gint64) flags,
                cancellable, callback, user_data, request_certificate_async);
}

static GTlsInteractionResult request_certificate_finish(GTlsInteraction *interaction, GAsyncResult *result,
                                                        GError **error)
{
  return finish_request(interaction, result, request_certificate_async, error);
}

static void gdtls_async_interaction_finalize(GObject *object)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, ((GdtlsAsyncInteraction *) object)->handle, 0, 0, 0);
  G_OBJECT_CLASS(gdtls_async_interaction_parent_class)->finalize(object);
}

static void gdtls_async_interaction_class_init(GdtlsAsyncInteractionClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = gdtls_async_interaction_finalize;
  klass->parent_class.ask_password_async = ask_password_async;
  klass->parent_class.ask_password_finish = ask_password_finish;
  klass->parent_class.request_certificate_async = request_certificate_async;
  klass->parent_class.request_certificate_finish = request_certificate_finish;
}

static void gdtls_async_interaction_init(GdtlsAsyncInteraction *self)
{
}

GDTLS_EXPORT GTlsInteraction *gdtls_async_interaction_new(gint64 handle)
{
  GdtlsAsyncInteraction *self = g_object_new(gdtls_async_interaction_get_type(), NULL);
  self->handle = handle;
  return G_TLS_INTERACTION(self);
}
