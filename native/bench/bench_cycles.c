/*
 * C baseline of MemoryCycles (S7): connect/handshake/close cycles, `concurrency` pairs at once, every
 * handshake started with g_dtls_connection_handshake_async on one GMainContext (as bench_handshakes.c), each
 * pair closed and unreferenced after its batch. Reports the process's RSS after the warm-up cycles and at the
 * end, so the binding's RSS growth can be set against what libgio + GnuTLS + glibc do on their own.
 *
 *   gdtls-bench-cycles PKI_DIR [cycles (2000)] [concurrency (128)] [warmup cycles (512)]
 * Prints one "key=value" per line.
 */
#include "bench_loopback.h"
#include "bench_process.h"
#include "bench_stats.h"

#define TRACE_EVERY 1024

static void run_cycles(int count, int concurrency, GMainContext *context, const BenchPki *pki)
{
  BenchPair *pairs = g_new0(BenchPair, concurrency);
  for (int done = 0; done < count;) {
    int n = MIN(concurrency, count - done);
    for (int i = 0; i < n; i++)
      bench_pair_create(&pairs[i], pki);
    if (bench_pairs_handshake_async(pairs, n, context) > 0)
      bench_fail("handshakes failed", NULL);
    for (int i = 0; i < n; i++)
      bench_pair_close(&pairs[i]);
    done += n;
  }
  g_free(pairs);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR [cycles] [concurrency] [warmup cycles]\n", argv[0]);
    return 2;
  }
  int cycles = argc > 2 ? atoi(argv[2]) : 2000;
  int concurrency = argc > 3 ? atoi(argv[3]) : 128;
  int warmup = argc > 4 ? atoi(argv[4]) : 512;
  if (cycles <= 0 || concurrency <= 0 || warmup < 0) {
    fprintf(stderr, "cycles and concurrency must be > 0, warmup >= 0\n");
    return 2;
  }
  gint64 start = bench_now_ns();
  BenchPki pki;
  bench_pki_load(&pki, argv[1]);
  GMainContext *context = g_main_context_new();

  run_cycles(warmup, concurrency, context, &pki);
  long before = bench_rss_kb();
  long long malloc_before = bench_malloc_in_use();
  GString *trace = g_string_new(NULL);
  for (int done = 0; done < cycles; done += TRACE_EVERY) { /* RSS every 1024 cycles: a leak grows steadily */
    run_cycles(MIN(TRACE_EVERY, cycles - done), concurrency, context, &pki);
    g_string_append_printf(trace, "%s%ld", done == 0 ? "" : ",", bench_rss_kb());
  }
  long after = bench_rss_kb();
  long long malloc_after = bench_malloc_in_use();

  printf("scenario=connect/handshake/close cycles, async handshakes on one GMainContext\n");
  printf("cycles=%d\n", cycles);
  printf("concurrency=%d\n", concurrency);
  printf("warmup_cycles=%d\n", warmup);
  printf("rss_before_kb=%ld\n", before);
  printf("rss_after_kb=%ld\n", after);
  printf("rss_growth_kb=%ld\n", after - before);
  printf("malloc_in_use_growth_kb=%lld\n", (malloc_after - malloc_before) / 1024);
  printf("rss_every_1024_cycles_kb=%s\n", trace->str);
  g_string_free(trace, TRUE);
  printf("seconds=%.0f\n", (bench_now_ns() - start) / 1e9);
  g_main_context_unref(context);
  bench_pki_free(&pki);
  return 0;
}
