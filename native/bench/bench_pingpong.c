/*
 * C baseline of PingPongBenchmark (S3): over one handshaken connection, one thread does a 64-byte round trip
 * (client send, server receive, server send back, client receive) per sample, one message per call. Both
 * ends on one thread: the number is the cost of four data-path calls, not of waking another thread.
 *
 *   gdtls-bench-pingpong PKI_DIR [samples (200000)] [warmup samples (50000)]
 * Prints median, p99, min and mean in µs, one "key=value" per line.
 */
#include "bench_loops.h"

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR [samples] [warmup samples]\n", argv[0]);
    return 2;
  }
  gsize samples = argc > 2 ? g_ascii_strtoull(argv[2], NULL, 10) : 200000;
  gsize warmup = argc > 3 ? g_ascii_strtoull(argv[3], NULL, 10) : 50000;
  if (samples == 0) {
    fprintf(stderr, "samples must be > 0\n");
    return 2;
  }
  BenchPki pki;
  bench_pki_load(&pki, argv[1]);
  BenchPair pair;
  bench_pair_create(&pair, &pki);
  bench_pair_handshake(&pair);

  double *us = g_new(double, samples);
  double sum = 0;
  for (gsize i = 0; i < warmup + samples; i++) {
    double elapsed = bench_round_trip(pair.client, pair.server);
    if (i >= warmup) {
      us[i - warmup] = elapsed;
      sum += elapsed;
    }
  }
  printf("scenario=ping-pong (%d B round trip, one thread drives both ends)\n", BENCH_PING_SIZE);
  printf("samples=%" G_GSIZE_FORMAT "\n", samples);
  printf("warmup_samples=%" G_GSIZE_FORMAT "\n", warmup);
  printf("mean_us=%.3f\n", sum / samples);
  printf("median_us=%.3f\n", bench_percentile(us, samples, 50));
  printf("p99_us=%.3f\n", bench_percentile(us, samples, 99));
  printf("min_us=%.3f\n", us[0]); /* sorted by bench_percentile */
  g_free(us);
  bench_pair_close(&pair);
  bench_pki_free(&pki);
  return 0;
}
