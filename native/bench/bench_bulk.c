/*
 * C baseline of BulkBenchmark (S2): over one handshaken connection, RECORDS records of 1200 bytes client ->
 * server; after every window of 64 the server sends an 8-byte ack and the client waits for it. One thread
 * drives both ends (the sends of a window are queued in the server socket, 64 x 1200 B fits its buffer), so
 * the number is the CPU cost of the data path, not thread wakeups. Mode "single": one message per
 * g_datagram_based_send_messages/receive_messages call; "batched": the 64 records of a window in one call
 * each way.
 *
 *   gdtls-bench-bulk PKI_DIR single|batched [runs (5)] [warmup runs (2)] [records (100000)]
 * Prints each run, then the median run's MB/s (10^6 payload bytes) and records/s, one "key=value" per line.
 */
#include "bench_loops.h"

static BenchBulkBuffers buffers;

int main(int argc, char **argv)
{
  if (argc < 3 || (strcmp(argv[2], "single") != 0 && strcmp(argv[2], "batched") != 0)) {
    fprintf(stderr, "usage: %s PKI_DIR single|batched [runs] [warmup runs] [records]\n", argv[0]);
    return 2;
  }
  gboolean batched = strcmp(argv[2], "batched") == 0;
  int runs = argc > 3 ? atoi(argv[3]) : 5;
  int warmup = argc > 4 ? atoi(argv[4]) : 2;
  int records = argc > 5 ? atoi(argv[5]) : 100000;
  if (runs <= 0 || warmup < 0 || records <= 0) {
    fprintf(stderr, "runs and records must be > 0, warmup >= 0\n");
    return 2;
  }
  memset(buffers.send, 'x', sizeof buffers.send);
  BenchPki pki;
  bench_pki_load(&pki, argv[1]);
  BenchPair pair;
  bench_pair_create(&pair, &pki);
  bench_pair_handshake(&pair);

  double *seconds = g_new(double, runs);
  for (int i = -warmup; i < runs; i++) {
    double s = bench_bulk_transfer(pair.client, pair.server, &buffers, records, batched);
    printf("run %s%d: %.4f s, %.1f records/s\n", i < 0 ? "warmup " : "", i < 0 ? i + warmup + 1 : i + 1, s,
           records / s);
    fflush(stdout);
    if (i >= 0)
      seconds[i] = s;
  }
  double median = bench_percentile(seconds, runs, 50);
  printf("scenario=bulk %s (%d x %d B client->server, ack every %d, one thread)\n", argv[2], records, BENCH_RECORD_SIZE,
         BENCH_WINDOW);
  printf("mode=%s\n", argv[2]);
  printf("records=%d\n", records);
  printf("runs=%d\n", runs);
  printf("warmup_runs=%d\n", warmup);
  printf("median_seconds=%.5f\n", median);
  printf("records_per_s=%.1f\n", records / median);
  printf("mb_per_s=%.2f\n", records * (double) BENCH_RECORD_SIZE / median / 1e6);
  g_free(seconds);
  bench_pair_close(&pair);
  bench_pki_free(&pki);
  return 0;
}
