/*
 * The timed loops of the C baselines (S2, S3, S5, S6), shared by the stand-alone baselines (bench_bulk.c,
 * bench_pingpong.c, bench_calls.c, bench_dispatch.c) and by the library the paired runs call from the JVM
 * (bench_paired.c), so a C round in a paired run is the very code of the stand-alone baseline.
 */
#ifndef GDTLS_BENCH_LOOPS_H
#define GDTLS_BENCH_LOOPS_H

#include <string.h>

#include "bench_loopback.h"
#include "bench_stats.h"

/* S2: 1200-byte records client -> server, an 8-byte ack from the server after every window of 64. */
#define BENCH_RECORD_SIZE 1200
#define BENCH_WINDOW 64
#define BENCH_ACK_SIZE 8
/* S3: a 64-byte round trip. */
#define BENCH_PING_SIZE 64

typedef struct {
  guint8 send[BENCH_WINDOW][BENCH_RECORD_SIZE];
  guint8 receive[BENCH_WINDOW][BENCH_RECORD_SIZE + 200]; /* room for a longer datagram: truncation would show */
} BenchBulkBuffers;

static inline void bench_send_window(GDatagramBased *conn, BenchBulkBuffers *b, int count, gboolean batched)
{
  if (!batched) {
    for (int i = 0; i < count; i++)
      bench_send_one(conn, b->send[i], BENCH_RECORD_SIZE);
    return;
  }
  GOutputVector vectors[BENCH_WINDOW];
  GOutputMessage messages[BENCH_WINDOW];
  for (int i = 0; i < count; i++) {
    vectors[i] = (GOutputVector) { b->send[i], BENCH_RECORD_SIZE };
    messages[i] = (GOutputMessage) { NULL, &vectors[i], 1, 0, NULL, 0 };
  }
  for (int done = 0; done < count;) {
    GError *error = NULL;
    int n = g_datagram_based_send_messages(conn, messages + done, count - done, 0, -1, NULL, &error);
    if (n <= 0)
      bench_fail("send batch", error);
    done += n;
  }
}

static inline void bench_receive_window(GDatagramBased *conn, BenchBulkBuffers *b, int count, gboolean batched)
{
  if (!batched) {
    for (int i = 0; i < count; i++)
      if (bench_receive_one(conn, b->receive[i], sizeof b->receive[i]) != BENCH_RECORD_SIZE)
        bench_fail("short record", NULL);
    return;
  }
  GInputVector vectors[BENCH_WINDOW];
  GInputMessage messages[BENCH_WINDOW];
  for (int done = 0; done < count;) {
    for (int i = done; i < count; i++) {
      vectors[i] = (GInputVector) { b->receive[i], sizeof b->receive[i] };
      messages[i] = (GInputMessage) { NULL, &vectors[i], 1, 0, 0, NULL, NULL };
    }
    GError *error = NULL;
    int n = g_datagram_based_receive_messages(conn, messages + done, count - done, 0, -1, NULL, &error);
    if (n <= 0)
      bench_fail("receive batch", error);
    for (int i = done; i < done + n; i++)
      if (messages[i].bytes_received != BENCH_RECORD_SIZE)
        bench_fail("short record", NULL);
    done += n;
  }
}

/* S1: a fresh pair over `pki`, both sync handshakes at once (the server's on a thread); returns the handshake's
 * ms. Creating and closing the pair are not timed. */
static inline double bench_timed_handshake(const BenchPki *pki)
{
  BenchPair pair;
  bench_pair_create(&pair, pki);
  gint64 start = bench_now_ns();
  bench_pair_handshake(&pair);
  double ms = (bench_now_ns() - start) / 1e6;
  bench_pair_close(&pair);
  return ms;
}

/* S2: one transfer of `records` records over a handshaken pair, one thread driving both ends; returns seconds. */
static inline double bench_bulk_transfer(GDatagramBased *client, GDatagramBased *server, BenchBulkBuffers *b,
                                         int records, gboolean batched)
{
  guint8 ack[BENCH_ACK_SIZE] = { 0 }, ack_in[64];
  gint64 start = bench_now_ns();
  for (int sent = 0; sent < records;) {
    int count = MIN(BENCH_WINDOW, records - sent);
    bench_send_window(client, b, count, batched);
    bench_receive_window(server, b, count, batched);
    bench_send_one(server, ack, BENCH_ACK_SIZE);
    if (bench_receive_one(client, ack_in, sizeof ack_in) != BENCH_ACK_SIZE)
      bench_fail("ack", NULL);
    sent += count;
  }
  return (bench_now_ns() - start) / 1e9;
}

/* S3: one 64-byte round trip (client send, server receive, server send back, client receive); returns µs. */
static inline double bench_round_trip(GDatagramBased *client, GDatagramBased *server)
{
  static guint8 ping[BENCH_PING_SIZE] = { [0 ... BENCH_PING_SIZE - 1] = 'p' }, at_server[256], at_client[256];
  gint64 start = bench_now_ns();
  bench_send_one(client, ping, BENCH_PING_SIZE);
  gsize n = bench_receive_one(server, at_server, sizeof at_server);
  bench_send_one(server, at_server, n);
  if (bench_receive_one(client, at_client, sizeof at_client) != BENCH_PING_SIZE)
    bench_fail("short pong", NULL);
  return (bench_now_ns() - start) / 1000.0;
}

static volatile gint64 bench_sink; /* keeps the getters' results alive */

/* S5: `calls` calls of g_dtls_connection_get_require_close_notify (or, if `version`, ..._get_protocol_version);
 * returns ns per call. */
static inline double bench_getter_calls(GDtlsConnection *conn, gboolean version, gint64 calls)
{
  gint64 acc = 0, start = bench_now_ns();
  if (version)
    for (gint64 i = 0; i < calls; i++)
      acc += g_dtls_connection_get_protocol_version(conn);
  else
    for (gint64 i = 0; i < calls; i++)
      acc += g_dtls_connection_get_require_close_notify(conn);
  bench_sink = acc;
  return (double) (bench_now_ns() - start) / calls;
}

static void bench_count_notify(GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(gint64 *) data)++;
}

/* S5: `emissions` sets of require-close-notify (alternating, so each one changes it and emits notify) with one
 * handler connected for the time of the loop; returns ns per set + emission. */
static inline double bench_notify_sets(GDtlsConnection *conn, gint64 emissions)
{
  gint64 notified = 0;
  gulong handler = g_signal_connect(conn, "notify::require-close-notify", G_CALLBACK(bench_count_notify), &notified);
  gboolean initial = g_dtls_connection_get_require_close_notify(conn);
  gint64 start = bench_now_ns();
  for (gint64 i = 1; i <= emissions; i++)
    g_dtls_connection_set_require_close_notify(conn, (i & 1) ? !initial : initial);
  double ns = (double) (bench_now_ns() - start) / emissions;
  g_signal_handler_disconnect(conn, handler);
  if (notified < emissions)
    bench_fail("notify handler was not called for every set", NULL);
  return ns;
}

/* S6: a thread iterating its own GMainContext (pushed as its thread-default), the shape of the Java pump. */
typedef struct {
  GMainContext *context;
  GThread *thread;
  gint running;
  GMutex mutex;
  GCond cond;
  gboolean done;
} BenchLoop;

static gpointer bench_loop_thread(gpointer data)
{
  BenchLoop *loop = data;
  g_main_context_push_thread_default(loop->context);
  while (g_atomic_int_get(&loop->running))
    g_main_context_iteration(loop->context, TRUE);
  g_main_context_pop_thread_default(loop->context);
  return NULL;
}

static inline BenchLoop *bench_loop_start(void)
{
  BenchLoop *loop = g_new0(BenchLoop, 1);
  loop->context = g_main_context_new();
  loop->running = 1;
  g_mutex_init(&loop->mutex);
  g_cond_init(&loop->cond);
  loop->thread = g_thread_new("bench-loop", bench_loop_thread, loop);
  return loop;
}

static inline void bench_loop_stop(BenchLoop *loop)
{
  g_atomic_int_set(&loop->running, 0);
  g_main_context_wakeup(loop->context);
  g_thread_join(loop->thread);
  g_mutex_clear(&loop->mutex);
  g_cond_clear(&loop->cond);
  g_main_context_unref(loop->context);
  g_free(loop);
}

/* Signals after unlocking, as the JVM's unpark does: a waiter woken while the mutex is still held would
 * preempt this thread on a shared CPU, find the mutex taken and sleep again (two more context switches). */
static gboolean bench_loop_on_invoke(gpointer data)
{
  BenchLoop *loop = data;
  g_mutex_lock(&loop->mutex);
  loop->done = TRUE;
  g_mutex_unlock(&loop->mutex);
  g_cond_signal(&loop->cond); /* the loop outlives every round, so its cond is still there */
  return G_SOURCE_REMOVE;
}

/* S6: from g_main_context_invoke_full until this thread sees (GMutex/GCond) that the callback ran on the loop
 * thread; returns µs. */
static inline double bench_loop_dispatch(BenchLoop *loop)
{
  loop->done = FALSE; /* the previous callback no longer touches `done` once it unlocked the mutex */
  gint64 start = bench_now_ns();
  g_main_context_invoke_full(loop->context, G_PRIORITY_DEFAULT, bench_loop_on_invoke, loop, NULL);
  g_mutex_lock(&loop->mutex);
  while (!loop->done)
    g_cond_wait(&loop->cond, &loop->mutex);
  g_mutex_unlock(&loop->mutex);
  return (bench_now_ns() - start) / 1000.0;
}

#endif
