/* Timing and order statistics shared by the C baselines. */
#ifndef GDTLS_BENCH_STATS_H
#define GDTLS_BENCH_STATS_H

#include <math.h>
#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC in ns: the clock System.nanoTime() (and so JMH) reads on Linux. */
static inline gint64 bench_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int bench_compare_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile (0 < p <= 100) of `values`, which this sorts in place. */
static inline double bench_percentile(double *values, gsize n, double p)
{
  qsort(values, n, sizeof *values, bench_compare_double);
  gsize rank = (gsize) ceil(p / 100.0 * (double) n);
  return values[rank == 0 ? 0 : rank - 1];
}

#endif
