/* Callbacks the GMainContext pump needs: async completions and work handed to a context's thread. */
#include "gdtls_glue.h"
#include "glue_internal.h"

#define HANDLE(data) ((gint64) (gintptr) (data))
#define ADDRESS(p) ((gint64) (gintptr) (p))

static void on_async_ready(GObject *source, GAsyncResult *result, gpointer data)
{
  gdtls_call_java(GDTLS_CALLBACK_ASYNC_READY, HANDLE(data), ADDRESS(source), ADDRESS(result), 0);
}

GDTLS_EXPORT gpointer gdtls_async_ready_callback(void)
{
  return (gpointer) on_async_ready;
}

typedef struct {
  GMainContext *context;
  gint64 handle;
} Invocation;

static gboolean on_invoke(gpointer data)
{
  Invocation *invocation = data;
  /* Owned by this thread during dispatch, so pushing it is allowed and makes GIO capture it. */
  g_main_context_push_thread_default(invocation->context);
  gdtls_call_java(GDTLS_CALLBACK_INVOKE, invocation->handle, 0, 0, 0);
  g_main_context_pop_thread_default(invocation->context);
  return G_SOURCE_REMOVE;
}

static void on_invoke_done(gpointer data)
{
  Invocation *invocation = data;
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, invocation->handle, 0, 0, 0);
  g_main_context_unref(invocation->context);
  g_free(invocation);
}

GDTLS_EXPORT void gdtls_context_invoke(GMainContext *context, int priority, gint64 handle)
{
  Invocation *invocation = g_new(Invocation, 1);
  invocation->context = g_main_context_ref(context);
  invocation->handle = handle;
  g_main_context_invoke_full(context, priority, on_invoke, invocation, on_invoke_done);
}

static void on_cancelled(GCancellable *cancellable, gpointer data)
{
  gdtls_call_java(GDTLS_CALLBACK_CANCELLED, HANDLE(data), 0, 0, 0);
}

static void release_handle(gpointer data)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, HANDLE(data), 0, 0, 0);
}

GDTLS_EXPORT gulong gdtls_cancellable_connect(GCancellable *cancellable, gint64 handle)
{
  return g_cancellable_connect(cancellable, G_CALLBACK(on_cancelled), (gpointer) (gintptr) handle, release_handle);
}

static gboolean on_datagram_ready(GDatagramBased *datagram_based, GIOCondition condition, gpointer data)
{
  return gdtls_call_java(GDTLS_CALLBACK_DATAGRAM_READY, HANDLE(data), ADDRESS(datagram_based), (gint64) condition, 0)
         != 0;
}

GDTLS_EXPORT GSource *gdtls_datagram_source_attach(GDatagramBased *datagram_based, GIOCondition condition,
                                                   GCancellable *cancellable, GMainContext *context, gint64 handle)
{
  GSource *source = g_datagram_based_create_source(datagram_based, condition, cancellable);
  g_source_set_callback(source, (GSourceFunc) (void (*)(void)) on_datagram_ready, (gpointer) (gintptr) handle,
                        release_handle);
  g_source_attach(source, context);
  return source;
}

GDTLS_EXPORT void gdtls_source_destroy(GSource *source)
{
  g_source_destroy(source);
  g_source_unref(source);
}
