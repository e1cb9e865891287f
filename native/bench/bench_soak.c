/*
 * C side of the soak (issue 11, scripts/soak.sh): the same run as org.gdtls.Soak on plain libgio, step for step,
 * so that the binding's file descriptors, threads, GObjects and RSS can be set against what libgio + GnuTLS +
 * glibc do on their own.
 *
 * Cycles run in batches of `concurrency` pairs: every pair's handshakes start at once with
 * g_dtls_connection_handshake_async on one GMainContext, then each pair carries its share of the datagrams
 * (client to server, sync, in windows of SOAK_WINDOW numbered datagrams answered by one acknowledgement), then
 * every pair is closed and unreferenced. Start values are taken after a warm-up of the same kind. Live GObjects:
 * a weak reference on every connection and socket created (and on the certificate and database), counted down
 * when GObject finalizes it; an object not finalized a second after its last unref counts as alive.
 *
 *   gdtls-bench-soak PKI_DIR CYCLES DATAGRAMS [concurrency (128)] [warmup cycles (256)]
 * Prints one "key=value" per line; exits 1 when anything did not come back.
 */
#include "bench_loopback.h"
#include "bench_process.h"
#include "bench_stats.h"

#define SOAK_WINDOW 32
#define SOAK_DATAGRAM_BYTES 512
#define SOAK_IO_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define SOAK_TRACE_POINTS 10

static int live_objects;       /* weak-referenced and not finalized yet */
static long long datagrams_sent;
static guint64 sequence;
static GMainContext *context;

static void on_finalized(gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_add(&live_objects, -1); /* GObject may finalize on a GLib worker thread */
}

static void watch(gpointer object)
{
  g_atomic_int_inc(&live_objects);
  g_object_weak_ref(G_OBJECT(object), on_finalized, NULL);
}

/* Runs what is due on the context for a while: finished GTasks drop their references there. */
static void settle(int ms)
{
  gint64 end = g_get_monotonic_time() + ms * 1000;
  while (g_get_monotonic_time() < end) {
    while (g_main_context_iteration(context, FALSE))
      ;
    g_usleep(10 * 1000);
  }
}

static void check(gboolean ok, const char *what)
{
  if (!ok) {
    fprintf(stderr, "soak: %s\n", what);
    exit(1);
  }
}

/* `count` numbered datagrams from client to server, in windows each answered by one acknowledgement. */
static void exchange(BenchPair *pair, long long count)
{
  static guint8 out[SOAK_WINDOW][SOAK_DATAGRAM_BYTES], in[SOAK_WINDOW][SOAK_DATAGRAM_BYTES + 64];
  GOutputVector out_vectors[SOAK_WINDOW];
  GOutputMessage out_messages[SOAK_WINDOW];
  GInputVector in_vectors[SOAK_WINDOW];
  GInputMessage in_messages[SOAK_WINDOW];
  GError *error = NULL;
  for (long long left = count; left > 0;) {
    int n = (int) MIN(SOAK_WINDOW, left);
    guint64 first = sequence;
    for (int i = 0; i < n; i++) {
      guint64 number = GUINT64_TO_BE(sequence), inverse = GUINT64_TO_BE(~sequence);
      sequence++;
      memcpy(out[i], &number, 8);
      memcpy(out[i] + 8, &inverse, 8);
      out_vectors[i] = (GOutputVector) { out[i], SOAK_DATAGRAM_BYTES };
      out_messages[i] = (GOutputMessage) { NULL, &out_vectors[i], 1, 0, NULL, 0 };
    }
    for (int sent = 0; sent < n;) {
      gint k = g_datagram_based_send_messages(pair->client, out_messages + sent, n - sent, 0, SOAK_IO_TIMEOUT_US,
                                              NULL, &error);
      if (k <= 0)
        bench_fail("client send", error);
      sent += k;
    }
    for (int got = 0; got < n;) {
      for (int i = got; i < n; i++) {
        in_vectors[i] = (GInputVector) { in[i], sizeof in[i] };
        in_messages[i] = (GInputMessage) { NULL, &in_vectors[i], 1, 0, 0, NULL, NULL };
      }
      gint k = g_datagram_based_receive_messages(pair->server, in_messages + got, n - got, 0, SOAK_IO_TIMEOUT_US,
                                                 NULL, &error);
      if (k <= 0)
        bench_fail("server receive", error);
      for (int i = got; i < got + k; i++) {
        guint64 number, inverse, expected = first + i;
        memcpy(&number, in[i], 8);
        memcpy(&inverse, in[i] + 8, 8);
        check(in_messages[i].bytes_received == SOAK_DATAGRAM_BYTES && GUINT64_FROM_BE(number) == expected
                  && GUINT64_FROM_BE(inverse) == ~expected,
              "a datagram arrived damaged or out of order");
      }
      got += k;
    }
    guint64 ack = GUINT64_TO_BE(first), reply = 0;
    bench_send_one(pair->server, (guint8 *) &ack, 8);
    check(bench_receive_one(pair->client, (guint8 *) &reply, sizeof reply) == 8 && reply == ack,
          "wrong acknowledgement");
    left -= n;
    datagrams_sent += n;
  }
}

/* `count` cycles carrying `datagrams` datagrams between them, `concurrency` at a time. */
static void run_cycles(int count, long long datagrams, int concurrency, const BenchPki *pki)
{
  BenchPair *pairs = g_new0(BenchPair, concurrency);
  for (int done = 0; done < count;) {
    int n = MIN(concurrency, count - done);
    for (int i = 0; i < n; i++) {
      bench_pair_create(&pairs[i], pki);
      watch(pairs[i].client);
      watch(pairs[i].server);
      watch(pairs[i].client_socket);
      watch(pairs[i].server_socket);
    }
    check(bench_pairs_handshake_async(pairs, n, context) == 0, "handshakes failed");
    for (int i = 0; i < n; i++)
      exchange(&pairs[i], datagrams * (done + i + 1) / count - datagrams * (done + i) / count);
    for (int i = 0; i < n; i++)
      bench_pair_close(&pairs[i]);
    /* Everything of the batch finalized? Give GIO a second to drop what it still holds. */
    for (int i = 0; i < 100 && g_atomic_int_get(&live_objects) > 2; i++)
      settle(10);
    done += n;
  }
  g_free(pairs);
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: %s PKI_DIR CYCLES DATAGRAMS [concurrency (128)] [warmup cycles (256)]\n", argv[0]);
    return 2;
  }
  int cycles = atoi(argv[2]);
  long long datagrams = atoll(argv[3]);
  int concurrency = argc > 4 ? atoi(argv[4]) : 128;
  int warmup = argc > 5 ? atoi(argv[5]) : 256;
  if (cycles <= 0 || datagrams < 0 || concurrency <= 0 || warmup < 0) {
    fprintf(stderr, "cycles, concurrency > 0; datagrams, warmup >= 0\n");
    return 2;
  }
  gint64 t0 = bench_now_ns();
  BenchPki pki;
  bench_pki_load(&pki, argv[1]);
  watch(pki.server_cert);
  watch(pki.trust);
  context = g_main_context_new();

  /* Warm-up: the same work, in proportion, so that every one-time resource exists before the start values. */
  run_cycles(warmup, warmup == 0 ? 0 : MAX(datagrams * warmup / cycles, SOAK_WINDOW), concurrency, &pki);
  int warmup_objects = g_atomic_int_get(&live_objects) - 2;
  settle(900);
  long fds_start = bench_fds(), threads_start = bench_threads(), rss_start = bench_rss_kb();
  long long malloc_start = bench_malloc_in_use();
  printf("warmup_seconds=%.0f\n", (bench_now_ns() - t0) / 1e9);

  gint64 t1 = bench_now_ns();
  GString *trace = g_string_new(NULL);
  g_string_append_printf(trace, "0:%ld", rss_start);
  /* About SOAK_TRACE_POINTS RSS samples, each after whole batches (so that every batch has `concurrency` pairs). */
  int step = ((cycles + SOAK_TRACE_POINTS - 1) / SOAK_TRACE_POINTS + concurrency - 1) / concurrency * concurrency;
  long long sent_before = datagrams_sent;
  for (int done = 0; done < cycles;) {
    int n = MIN(step, cycles - done);
    run_cycles(n, datagrams * (done + n) / cycles - datagrams * done / cycles, concurrency, &pki);
    done += n;
    g_string_append_printf(trace, " %d:%ld", done, bench_rss_kb());
  }
  double run_seconds = (bench_now_ns() - t1) / 1e9;
  long long main_sent = datagrams_sent - sent_before;
  long rss_end = bench_rss_kb();
  long long malloc_end = bench_malloc_in_use();
  /* Idle GLib worker threads end after their pool's idle time (15 s): wait up to a minute, as the Java side. */
  long fds_end = bench_fds(), threads_end = bench_threads();
  for (int i = 0; i < 66 && (fds_end > fds_start || threads_end > threads_start); i++) {
    settle(900);
    fds_end = bench_fds();
    threads_end = bench_threads();
  }
  malloc_trim(0);
  long rss_trimmed = bench_rss_kb();

  g_main_context_unref(context);
  bench_pki_free(&pki);
  int live_end = g_atomic_int_get(&live_objects);

  printf("side=c\n");
  printf("cycles=%d\n", cycles);
  printf("datagrams=%lld\n", main_sent);
  printf("datagram_bytes=%d\n", SOAK_DATAGRAM_BYTES);
  printf("concurrency=%d\n", concurrency);
  printf("warmup_cycles=%d\n", warmup);
  printf("warmup_live_gobjects=%d\n", warmup_objects);
  printf("fds_start=%ld\nfds_end=%ld\n", fds_start, fds_end);
  printf("threads_start=%ld\nthreads_end=%ld\n", threads_start, threads_end);
  printf("live_gobjects_start=0\nlive_gobjects_end=%d\n", live_end);
  printf("rss_start_kb=%ld\nrss_end_kb=%ld\n", rss_start, rss_end);
  printf("rss_trace_kb=%s\n", trace->str);
  printf("rss_after_malloc_trim_kb=%ld\n", rss_trimmed);
  printf("malloc_in_use_growth_kb=%lld\n", (malloc_end - malloc_start) / 1024);
  printf("run_seconds=%.0f\n", run_seconds);
  printf("seconds=%.0f\n", (bench_now_ns() - t0) / 1e9);
  g_string_free(trace, TRUE);
  return fds_end <= fds_start && threads_end <= threads_start && live_end == 0 && main_sent == datagrams ? 0 : 1;
}
