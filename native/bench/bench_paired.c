/*
 * libgdtls-bench-paired: the C rounds of the paired benchmarks (issue 16), called from the JVM through jnr-ffi
 * (src/bench/java/org/gdtls/bench/paired/CRounds.java). A C round runs the stand-alone baselines' loops
 * (bench_loops.h) on the very GObjects the binding's round uses, a moment before or after it, so both see the
 * same sockets, session and machine. The JVM calls one function per round: the crossing is not in the timing.
 *
 * The count functions mark a counted section for callgrind (scripts/bench-instructions.sh); outside valgrind
 * they do nothing.
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <sched.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else /* no valgrind headers: nothing to count with */
#define CALLGRIND_DUMP_STATS_AT(name) ((void) (name))
#define RUNNING_ON_VALGRIND 0
#endif

#include "bench_loops.h"

#define EXPORT __attribute__((visibility("default")))

static BenchBulkBuffers bulk_buffers;

/* S2: `records` records over the handshaken connections; returns seconds. */
EXPORT double gdtls_bench_bulk(gpointer client, gpointer server, int records, int batched)
{
  static gsize filled;
  if (g_once_init_enter(&filled)) { /* once: a counted round holds only the transfer */
    memset(bulk_buffers.send, 'x', sizeof bulk_buffers.send);
    g_once_init_leave(&filled, 1);
  }
  return bench_bulk_transfer(G_DATAGRAM_BASED(client), G_DATAGRAM_BASED(server), &bulk_buffers, records, batched);
}

/* S3: `samples` round trips, each one's µs into `us`. */
EXPORT void gdtls_bench_ping_pong(gpointer client, gpointer server, int samples, double *us)
{
  for (int i = 0; i < samples; i++)
    us[i] = bench_round_trip(G_DATAGRAM_BASED(client), G_DATAGRAM_BASED(server));
}

/* S5: ns per getter call (`version`: protocol-version, else require-close-notify). */
EXPORT double gdtls_bench_getter(gpointer conn, int version, gint64 calls)
{
  return bench_getter_calls(G_DTLS_CONNECTION(conn), version, calls);
}

/* S5: ns per set + notify emission to one C handler. */
EXPORT double gdtls_bench_notify(gpointer conn, gint64 emissions)
{
  return bench_notify_sets(G_DTLS_CONNECTION(conn), emissions);
}

/* S6 pins its threads to one CPU: across CPUs a hand-over costs what waking an idle vCPU costs, which a busy
 * neighbour changes (it flipped S6's binding/C ratio from 1.14 to 0.92). `cpu` < 0 lets the calling thread run on
 * every CPU the process started with again. Returns 0, or -1 if the kernel refused. */
EXPORT int gdtls_bench_pin_thread(int cpu)
{
  static cpu_set_t initial;
  static gsize saved;
  if (g_once_init_enter(&saved)) {
    sched_getaffinity(0, sizeof initial, &initial);
    g_once_init_leave(&saved, 1);
  }
  cpu_set_t set;
  if (cpu < 0) {
    set = initial;
  } else {
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
  }
  return sched_setaffinity(0, sizeof set, &set); /* 0: the calling thread */
}

static gboolean pin_loop_thread(gpointer cpu)
{
  gdtls_bench_pin_thread(GPOINTER_TO_INT(cpu));
  return G_SOURCE_REMOVE;
}

/* S6: a loop thread on a context of its own, kept for every round of a run. */
EXPORT gpointer gdtls_bench_loop_start(int cpu)
{
  BenchLoop *loop = bench_loop_start();
  if (cpu >= 0) /* on the loop thread itself; the first dispatch waits for it */
    g_main_context_invoke(loop->context, pin_loop_thread, GINT_TO_POINTER(cpu));
  return loop;
}

EXPORT void gdtls_bench_loop_stop(gpointer loop)
{
  bench_loop_stop(loop);
}

EXPORT void gdtls_bench_dispatch(gpointer loop, int samples, double *us)
{
  for (int i = 0; i < samples; i++)
    us[i] = bench_loop_dispatch(loop);
}

/* S1: one handshake of a fresh pair (bench_timed_handshake), the PKI loaded at the first call; returns ms. */
EXPORT double gdtls_bench_handshake(const char *pki_dir)
{
  static BenchPki pki;
  static gboolean loaded;
  if (!loaded) {
    bench_pki_load(&pki, pki_dir);
    loaded = TRUE;
  }
  return bench_timed_handshake(&pki);
}

/* Callgrind: forget what was counted so far, and write what is counted from here on as dump `name`. A dump
 * ("uncounted", thrown away) rather than CALLGRIND_ZERO_STATS, which zeroes only the calling thread: the JIT
 * compiler's and GC's cost since the last dump would land in the next counted one. A dump zeroes every thread. */
EXPORT void gdtls_bench_count_begin(void)
{
  CALLGRIND_DUMP_STATS_AT("uncounted");
}

EXPORT void gdtls_bench_count_end(const char *name)
{
  CALLGRIND_DUMP_STATS_AT(name);
}

EXPORT int gdtls_bench_under_valgrind(void)
{
  return RUNNING_ON_VALGRIND;
}
