/*
 * C baseline of CallOverheadBenchmark (S5) on a handshaken client connection:
 *  - getters: g_dtls_connection_get_require_close_notify and g_dtls_connection_get_protocol_version, ns per
 *    call (both read a GObject property: g_object_get in GIO 2.74);
 *  - notify: g_dtls_connection_set_require_close_notify (alternating TRUE/FALSE, so the value changes) with one
 *    handler connected to "notify::require-close-notify" that counts, ns per set + emission.
 *
 *   gdtls-bench-calls PKI_DIR [calls (20000000)] [rounds (5)]
 * Each round times `calls` calls of each getter and calls/20 notify emissions; prints the median round, ns/op.
 */
#include "bench_loops.h"

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR [calls] [rounds]\n", argv[0]);
    return 2;
  }
  gint64 calls = argc > 2 ? g_ascii_strtoll(argv[2], NULL, 10) : 20000000;
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  gint64 emissions = calls / 20;
  if (emissions <= 0 || rounds <= 0) {
    fprintf(stderr, "calls must be >= 20, rounds > 0\n");
    return 2;
  }
  BenchPki pki;
  bench_pki_load(&pki, argv[1]);
  BenchPair pair;
  bench_pair_create(&pair, &pki);
  bench_pair_handshake(&pair);
  GDtlsConnection *conn = G_DTLS_CONNECTION(pair.client);

  double *getter_ns = g_new(double, rounds), *version_ns = g_new(double, rounds), *notify_ns = g_new(double, rounds);
  for (int r = -1; r < rounds; r++) { /* round -1 warms up */
    double getter = bench_getter_calls(conn, FALSE, calls);
    double version = bench_getter_calls(conn, TRUE, calls);
    double notify = bench_notify_sets(conn, emissions);
    if (r >= 0) {
      getter_ns[r] = getter;
      version_ns[r] = version;
      notify_ns[r] = notify;
    }
  }
  printf("scenario=call overhead (getters; set + notify emission to one handler)\n");
  printf("getter_calls=%" G_GINT64_FORMAT "\n", calls);
  printf("notify_calls=%" G_GINT64_FORMAT "\n", emissions);
  printf("rounds=%d\n", rounds);
  printf("require_close_notify_ns=%.2f\n", bench_percentile(getter_ns, rounds, 50));
  printf("protocol_version_ns=%.2f\n", bench_percentile(version_ns, rounds, 50));
  printf("notify_ns=%.2f\n", bench_percentile(notify_ns, rounds, 50));
  g_free(getter_ns);
  g_free(version_ns);
  g_free(notify_ns);
  bench_pair_close(&pair);
  bench_pki_free(&pki);
  return 0;
}
