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
