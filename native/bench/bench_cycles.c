/*
 * C baseline of MemoryCycles (S7): connect/handshake/close cycles, `concurrency` pairs at once, every
 * handshake started with g_dtls_connection_handshake_async on one GMainContext (as bench_handshakes.c), each
 * pair closed and unreferenced after its batch. Reports the process's RSS after the warm-up cycles and at the
 * end, so the binding's RSS growth can be set against what libgio + GnuTLS + glibc do on their own.
 *
 *   gdtls-bench-cycles PKI_DIR [cycles (2000)] [concurrency (128)] [warmup cycles (512)]
 * Prints one "key=value" per line.
 */
#include <malloc.h>
#include <string.h>

#include "bench_loopback.h"
#include "bench_stats.h"

#define TRACE_EVERY 1024

typedef struct {
  int done;
  int failures;
} Batch;

static void on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
  Batch *batch = data;
  GError *error = NULL;
  if (!g_dtls_connection_handshake_finish(G_DTLS_CONNECTION(source), result, &error)) {
    fprintf(stderr, "handshake: %s\n", error->message);
    g_error_free(error);
    batch->failures++;
  }
  batch->done++;
}

static void run_cycles(int count, int concurrency, GMainContext *context, const BenchPki *pki)
{
  BenchPair *pairs = g_new0(BenchPair, concurrency);
  for (int done = 0; done < count;) {
    int n = MIN(concurrency, count - done);
    Batch batch = { 0 };
    for (int i = 0; i < n; i++)
      bench_pair_create(&pairs[i], pki);
    g_main_context_push_thread_default(context);
    for (int i = 0; i < n; i++) {
      g_dtls_connection_handshake_async(G_DTLS_CONNECTION(pairs[i].server), G_PRIORITY_DEFAULT, NULL, on_handshake,
                                        &batch);
      g_dtls_connection_handshake_async(G_DTLS_CONNECTION(pairs[i].client), G_PRIORITY_DEFAULT, NULL, on_handshake,
                                        &batch);
    }
    while (batch.done < 2 * n)
      g_main_context_iteration(context, TRUE);
    g_main_context_pop_thread_default(context);
    if (batch.failures > 0)
      bench_fail("handshakes failed", NULL);
    for (int i = 0; i < n; i++)
      bench_pair_close(&pairs[i]);
    done += n;
  }
  g_free(pairs);
}

static long rss_kb(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f != NULL && fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, "VmRSS:", 6) == 0)
      kb = atol(line + 6);
  if (f != NULL)
    fclose(f);
  return kb;
}

static long long summary_value(const char *summary, const char *prefix)
{
  const char *at = strstr(summary, prefix);
  const char *size = at == NULL ? NULL : strstr(at, "size=\"");
  return size == NULL ? -1 : atoll(size + 6);
}

/* Bytes glibc malloc handed out and did not get back, over all arenas (as MemoryCycles computes it): the memory
 * the arenas got from the system, less the free chunks they keep, plus the blocks mapped one by one. */
static long long malloc_in_use(void)
{
  char *text = NULL;
  size_t length = 0;
  FILE *stream = open_memstream(&text, &length);
  malloc_info(0, stream);
  fclose(stream);
  const char *summary = g_strrstr(text, "</heap>"); /* the totals follow the last arena */
  long long in_use = -1;
  if (summary != NULL)
    in_use = summary_value(summary, "<system type=\"current\"") - summary_value(summary, "<total type=\"fast\"")
             - summary_value(summary, "<total type=\"rest\"") + summary_value(summary, "<total type=\"mmap\"");
  free(text);
  return in_use;
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
  long before = rss_kb();
  long long malloc_before = malloc_in_use();
  GString *trace = g_string_new(NULL);
  for (int done = 0; done < cycles; done += TRACE_EVERY) { /* RSS every 1024 cycles: a leak grows steadily */
    run_cycles(MIN(TRACE_EVERY, cycles - done), concurrency, context, &pki);
    g_string_append_printf(trace, "%s%ld", done == 0 ? "" : ",", rss_kb());
  }
  long after = rss_kb();
  long long malloc_after = malloc_in_use();

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
