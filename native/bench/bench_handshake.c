/*
 * C baseline of HandshakeBenchmark (S1): a fresh client+server pair on 127.0.0.1 per sample, both sync
 * handshakes at once (the server's on its own thread), timed from the start until both finished. Creating and
 * closing the pair are not timed. GnuTLS in blocking DTLS mode sets the pace (~300 ms, see the shared docs).
 *
 *   gdtls-bench-handshake PKI_DIR [samples (10)] [warmup samples (2)]
 * Prints each sample, then median/min/mean in ms, one "key=value" per summary line.
 */
#include "bench_loops.h"

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR [samples] [warmup samples]\n", argv[0]);
    return 2;
  }
  int samples = argc > 2 ? atoi(argv[2]) : 10;
  int warmup = argc > 3 ? atoi(argv[3]) : 2;
  if (samples <= 0 || warmup < 0) {
    fprintf(stderr, "samples must be > 0, warmup >= 0\n");
    return 2;
  }
  BenchPki pki;
  bench_pki_load(&pki, argv[1]);

  double *ms = g_new(double, samples);
  double sum = 0;
  for (int i = -warmup; i < samples; i++) {
    double elapsed = bench_timed_handshake(&pki);
    printf("sample %s%d: %.3f ms\n", i < 0 ? "warmup " : "", i < 0 ? i + warmup + 1 : i + 1, elapsed);
    fflush(stdout);
    if (i >= 0) {
      ms[i] = elapsed;
      sum += elapsed;
    }
  }
  printf("scenario=handshake (fresh pair, both sync handshakes, server on a thread)\n");
  printf("samples=%d\n", samples);
  printf("warmup_samples=%d\n", warmup);
  printf("mean_ms=%.3f\n", sum / samples);
  printf("median_ms=%.3f\n", bench_percentile(ms, samples, 50));
  printf("min_ms=%.3f\n", ms[0]); /* sorted by bench_percentile */
  g_free(ms);
  bench_pki_free(&pki);
  return 0;
}
