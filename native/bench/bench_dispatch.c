/*
 * C baseline of PumpDispatchBenchmark: the latency of g_main_context_invoke_full() from a bench thread until
 * that thread sees the callback ran on the thread iterating the GMainContext (it waits on a GMutex/GCond).
 * Same shape as the Java pump: a thread that pushes the context as its thread-default (acquiring it) and
 * calls g_main_context_iteration(ctx, TRUE) in a loop.
 *
 *   gdtls-bench-dispatch [samples (default 200000)] [warmup samples (default 20000)]
 * Prints the samples' median, p99, min and mean in µs, one "key=value" per line.
 */
#include "bench_loops.h"

int main(int argc, char **argv)
{
  gsize samples = argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 200000;
  gsize warmup = argc > 2 ? g_ascii_strtoull(argv[2], NULL, 10) : 20000;
  if (samples == 0) {
    fprintf(stderr, "usage: %s [samples>0] [warmup]\n", argv[0]);
    return 2;
  }
  BenchLoop *loop = bench_loop_start();

  for (gsize i = 0; i < warmup; i++)
    bench_loop_dispatch(loop);
  double *us = g_new(double, samples);
  double sum = 0;
  for (gsize i = 0; i < samples; i++) {
    us[i] = bench_loop_dispatch(loop);
    sum += us[i];
  }

  bench_loop_stop(loop);

  printf("scenario=dispatch (g_main_context_invoke_full -> callback on the loop thread -> GCond)\n");
  printf("samples=%" G_GSIZE_FORMAT "\n", samples);
  printf("warmup_samples=%" G_GSIZE_FORMAT "\n", warmup);
  printf("mean_us=%.3f\n", sum / samples);
  printf("median_us=%.3f\n", bench_percentile(us, samples, 50));
  printf("p99_us=%.3f\n", bench_percentile(us, samples, 99));
  printf("min_us=%.3f\n", us[0]); /* sorted by bench_percentile */
  g_free(us);
  return 0;
}
