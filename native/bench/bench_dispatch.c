/*
 * C baseline of PumpDispatchBenchmark: the latency of g_main_context_invoke_full() from a bench thread until
 * that thread sees the callback ran on the thread iterating the GMainContext (it waits on a GMutex/GCond).
 * Same shape as the Java pump: a thread that pushes the context as its thread-default (acquiring it) and
 * calls g_main_context_iteration(ctx, TRUE) in a loop.
 *
 *   gdtls-bench-dispatch [samples (default 200000)] [warmup samples (default 20000)]
 * Prints the samples' median, p99, min and mean in µs, one "key=value" per line.
 */
#include <gio/gio.h>
#include <stdio.h>

#include "bench_stats.h"

typedef struct {
  GMutex mutex;
  GCond cond;
  gboolean done;
} Waiter;

static GMainContext *context;
static gint running = 1;

static gpointer loop_thread(gpointer unused)
{
  g_main_context_push_thread_default(context);
  while (g_atomic_int_get(&running))
    g_main_context_iteration(context, TRUE);
  g_main_context_pop_thread_default(context);
  return NULL;
}

static gboolean on_invoke(gpointer data)
{
  Waiter *waiter = data;
  g_mutex_lock(&waiter->mutex);
  waiter->done = TRUE;
  g_cond_signal(&waiter->cond);
  g_mutex_unlock(&waiter->mutex);
  return G_SOURCE_REMOVE;
}

static gint64 one_dispatch(Waiter *waiter)
{
  waiter->done = FALSE; /* the previous callback no longer touches `done` once it unlocked the mutex */
  gint64 start = bench_now_ns();
  g_main_context_invoke_full(context, G_PRIORITY_DEFAULT, on_invoke, waiter, NULL);
  g_mutex_lock(&waiter->mutex);
  while (!waiter->done)
    g_cond_wait(&waiter->cond, &waiter->mutex);
  g_mutex_unlock(&waiter->mutex);
  return bench_now_ns() - start;
}

int main(int argc, char **argv)
{
  gsize samples = argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 200000;
  gsize warmup = argc > 2 ? g_ascii_strtoull(argv[2], NULL, 10) : 20000;
  if (samples == 0) {
    fprintf(stderr, "usage: %s [samples>0] [warmup]\n", argv[0]);
    return 2;
  }
  context = g_main_context_new();
  GThread *thread = g_thread_new("bench-loop", loop_thread, NULL);
  Waiter waiter;
  g_mutex_init(&waiter.mutex);
  g_cond_init(&waiter.cond);

  for (gsize i = 0; i < warmup; i++)
    one_dispatch(&waiter);
  double *us = g_new(double, samples);
  double sum = 0;
  for (gsize i = 0; i < samples; i++) {
    us[i] = one_dispatch(&waiter) / 1000.0;
    sum += us[i];
  }

  g_atomic_int_set(&running, 0);
  g_main_context_wakeup(context);
  g_thread_join(thread);

  printf("scenario=dispatch (g_main_context_invoke_full -> callback on the loop thread -> GCond)\n");
  printf("samples=%" G_GSIZE_FORMAT "\n", samples);
  printf("warmup_samples=%" G_GSIZE_FORMAT "\n", warmup);
  printf("mean_us=%.3f\n", sum / samples);
  printf("median_us=%.3f\n", bench_percentile(us, samples, 50));
  printf("p99_us=%.3f\n", bench_percentile(us, samples, 99));
  printf("min_us=%.3f\n", us[0]); /* sorted by bench_percentile */
  g_free(us);
  g_mutex_clear(&waiter.mutex);
  g_cond_clear(&waiter.cond);
  g_main_context_unref(context);
  return 0;
}
