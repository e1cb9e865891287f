/*
 * S8 load generator (issue 15): many GIO DTLS clients against one DTLS server at HOST:PORT (the C reference
 * bench_s8_server.c, or the Java DtlsServer), each client with its own UDP GSocket connected to the server,
 * identity server.example.com, trusting ca.pem.
 *
 *   gdtls-bench-s8-clients HOST:PORT PKI_DIR MODE ARGS [--procs P] [--hold S] [--window W] [--size B]
 *                          [--timeout S] [--idle-wait S] [--seconds S] [--inflight B] [--hellos H]
 *   connect N        N clients start g_dtls_connection_handshake_async at once; time until all (and each) are
 *                    connected, handshakes/s, failures with the first GError. --hold S keeps them open S seconds
 *                    after every client of every process is connected.
 *   echo N K SIZE    N clients connect, then each sends K datagrams of SIZE (>= 8) bytes to the echo server,
 *                    --window W (default 1, ping-pong) outstanding per client, all clients at once: round trips/s
 *                    and the round-trip median/p99 (each datagram carries its send time).
 *   idle N M         N clients connect and stay silent for --idle-wait S (default 2), then M round trips of
 *                    --size B (default 64) bytes, one at a time, each to a random one of the first process's
 *                    clients (the server cannot tell them apart), while the rest stay silent.
 *   amplify          captures the first datagram a GIO client sends (its ClientHello) on a local socket, sends
 *                    it once to the server from a socket that never answers, and counts what comes back over
 *                    --seconds S (default 30): bytes out / bytes in. --hellos H sends it from H such sockets
 *                    (H spoofed peers; each holds a server connection and, while it waits, a GTask thread).
 *
 * The clients are split over --procs P processes (default 1), each with its own GMainContext and its own GTask
 * thread pool. That pool runs every async handshake and each one holds a pool thread for its whole duration
 * (GnuTLS in blocking DTLS mode sleeps 50 ms per flight), and the pool grows slowly past its first 10 threads:
 * with one process the load generator itself can be what limits handshakes/s. Comparing P = 1 with P = 2, 4, ...
 * (same N) shows which side limits: if the figure rises with P, it was the generator. Each process reports its
 * peak thread count. Found on 2 vCPUs against the C server (scripts/bench-s8.sh): 1000 clients, P = 1 gives ~32
 * handshakes/s, P = 4 ~38/s and P = 16 no more (~35/s): one process is (a little) generator-bound; from P = 2-4
 * on, the server is the limit. Its GTask pool keeps 10 threads while handshakes keep completing, each handshake
 * holds one for ~270 ms (GnuTLS's 50 ms sleeps per flight, on both sides), and 10 / 0.27 s = 37/s; the server
 * uses ~4 ms of CPU per handshake, so it is not CPU-bound. Start times are taken after every process has created its clients (CLOCK_MONOTONIC is
 * shared by all processes), so the processes start together.
 * --inflight B keeps at most B handshakes per process running (a new one starts when one ends) instead of all at
 * once: GnuTLS gives a handshake up after 60 s, so thousands started together against a server that completes a
 * few dozen per second mostly fail. Connect times still count from the common start.
 * Prints "key=value" summary lines (times in seconds unless the key says otherwise).
 */
#include <errno.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_loopback.h"
#include "bench_process.h"
#include "bench_stats.h"

#define MAX_DATAGRAM 2048

typedef enum { MODE_CONNECT, MODE_ECHO, MODE_IDLE, MODE_AMPLIFY } Mode;

static struct {
  Mode mode;
  char *host;
  int port;
  char *pki;
  int n, k, size, window, probes, procs, inflight, hellos;
  double hold, timeout, idle_wait, seconds;
} cfg = { .size = 64, .window = 1, .procs = 1, .timeout = 120, .idle_wait = 2, .seconds = 30, .hellos = 1 };

typedef struct {
  GDatagramBased *conn;
  GSocket *socket;
  gint64 done_ns; /* 0 while handshaking, -1 failed */
  int sent, received;
} Client;

/* What one process sends back to the parent after its run. */
typedef struct {
  int n, failures;
  long round_trips, lost, threads_peak;
  double cpu_s;
  gint64 data_start, data_end;
  long rtt_n;
  char first_error[256];
} Header;

typedef struct {
  Header h;
  Client *clients;
  double *connect_s; /* per client, from the common start; -1 failed */
  double *rtt_us;
  long rtt_cap;
  int handshakes_done, handshakes_started, echo_finished;
  gint64 start_ns;
  BenchPki pki;
} Worker;

static void add_rtt(Worker *w, double us)
{
  if (w->h.rtt_n == w->rtt_cap) {
    w->rtt_cap = w->rtt_cap ? 2 * w->rtt_cap : 1024;
    w->rtt_us = g_renew(double, w->rtt_us, w->rtt_cap);
  }
  w->rtt_us[w->h.rtt_n++] = us;
}

static void sample_threads(Worker *w)
{
  w->h.threads_peak = MAX(w->h.threads_peak, bench_threads());
}

static void write_all(int fd, const void *data, size_t size)
{
  for (size_t done = 0; done < size;) {
    ssize_t n = write(fd, (const char *) data + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      perror("write");
      exit(1);
    }
    done += n;
  }
}

static void read_all(int fd, void *data, size_t size)
{
  for (size_t done = 0; done < size;) {
    ssize_t n = read(fd, (char *) data + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      fprintf(stderr, "a load process ended early\n");
      exit(1);
    }
    done += n;
  }
}

static GSocketAddress *server_address(void)
{
  GSocketAddress *address = g_inet_socket_address_new_from_string(cfg.host, cfg.port);
  if (address == NULL) {
    fprintf(stderr, "not an IP address: %s\n", cfg.host);
    exit(2);
  }
  return address;
}

/* What g_dtls_client_connection_new + g_dtls_connection_set_database do, but with the database given at
 * construction: glib-networking 2.74 otherwise parses the system CA bundle in every connection's constructor
 * (gnutls_x509_trust_list_add_system_trust, ~10 ms of CPU), which would slow the generator down. */
static GDatagramBased *client_connection(GSocket *socket, GTlsDatabase *trust)
{
  GError *error = NULL;
  GSocketConnectable *identity = g_network_address_new(BENCH_SERVER_IDENTITY, 0);
  GDatagramBased *conn = g_initable_new(g_tls_backend_get_dtls_client_connection_type(g_tls_backend_get_default()),
                                        NULL, &error, "base-socket", socket, "server-identity", identity,
                                        "database", trust, NULL);
  if (conn == NULL)
    bench_fail("DTLS client connection", error);
  g_object_unref(identity);
  return conn;
}

static void on_handshake(GObject *source, GAsyncResult *result, gpointer data);

/* Starts the next client's handshake; with --inflight B, at most B per process run at once. */
static void start_next(Worker *w)
{
  Client *c = &w->clients[w->handshakes_started++];
  g_dtls_connection_handshake_async(G_DTLS_CONNECTION(c->conn), G_PRIORITY_DEFAULT, NULL, on_handshake, c);
}

static void on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
  Worker *w = g_object_get_data(source, "s8-worker");
  Client *c = data;
  GError *error = NULL;
  gint64 now = bench_now_ns();
  if (g_dtls_connection_handshake_finish(G_DTLS_CONNECTION(source), result, &error))
    c->done_ns = now;
  else {
    c->done_ns = -1;
    if (w->h.failures++ == 0)
      g_snprintf(w->h.first_error, sizeof w->h.first_error, "%s", error->message);
    g_error_free(error);
  }
  w->handshakes_done++;
  if (w->handshakes_started < w->h.n)
    start_next(w);
}

static void send_probe(Client *c, int size)
{
  guint8 buffer[MAX_DATAGRAM] = { 0 };
  gint64 now = bench_now_ns();
  memcpy(buffer, &now, sizeof now); /* the echo brings the send time back */
  bench_send_one(c->conn, buffer, size);
  c->sent++;
}

/* Echo mode: every echo that comes back is timed and, while the client has datagrams left, answered by the next. */
static gboolean on_echo(GDatagramBased *unused, GIOCondition condition, gpointer data)
{
  Client *c = data;
  Worker *w = g_object_get_data(G_OBJECT(c->conn), "s8-worker");
  guint8 buffer[MAX_DATAGRAM];
  for (;;) {
    GError *error = NULL;
    GInputVector vector = { buffer, sizeof buffer };
    GInputMessage message = { NULL, &vector, 1, 0, 0, NULL, NULL };
    gint n = g_datagram_based_receive_messages(c->conn, &message, 1, 0, 0, NULL, &error);
    if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_error_free(error);
      return G_SOURCE_CONTINUE;
    }
    if (n <= 0 || message.bytes_received < 8) {
      if (w->h.first_error[0] == 0)
        g_snprintf(w->h.first_error, sizeof w->h.first_error, "echo receive: %s",
                   error ? error->message : "closed");
      g_clear_error(&error);
      w->echo_finished++;
      return G_SOURCE_REMOVE;
    }
    gint64 sent_at, now = bench_now_ns();
    memcpy(&sent_at, buffer, sizeof sent_at);
    add_rtt(w, (now - sent_at) / 1e3);
    c->received++;
    w->h.round_trips++;
    if (c->sent < cfg.k)
      send_probe(c, cfg.size);
    if (c->received == cfg.k) {
      w->echo_finished++;
      return G_SOURCE_REMOVE;
    }
  }
}

static gboolean on_sample(gpointer data)
{
  sample_threads(data);
  return G_SOURCE_CONTINUE;
}

/* Runs the context until `*counter` reaches `target` or `deadline_ns` passes; a 100 ms tick samples the thread
 * count and wakes the loop to look at the deadline. */
static void iterate_until(Worker *w, GMainContext *context, int *counter, int target, gint64 deadline_ns)
{
  GSource *tick = g_timeout_source_new(100);
  g_source_set_callback(tick, on_sample, w, NULL);
  g_source_attach(tick, context);
  while (*counter < target && bench_now_ns() < deadline_ns)
    g_main_context_iteration(context, TRUE);
  g_source_destroy(tick);
  g_source_unref(tick);
}

/* One load process: `n` clients; `up`/`down` are the pipes to and from the parent. */
static void run_worker(int n, int probes, int up, int down)
{
  Worker w = { 0 };
  GError *error = NULL;
  GMainContext *context = g_main_context_new();
  char byte = 'R';
  bench_pki_load(&w.pki, cfg.pki);
  w.h.n = n;
  w.clients = g_new0(Client, n);
  w.connect_s = g_new(double, n);
  GSocketAddress *address = server_address();
  for (int i = 0; i < n; i++) {
    Client *c = &w.clients[i];
    c->socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    if (c->socket == NULL || !g_socket_connect(c->socket, address, NULL, &error))
      bench_fail("client socket", error);
    c->conn = client_connection(c->socket, w.pki.trust);
    g_object_set_data(G_OBJECT(c->conn), "s8-worker", &w);
  }
  g_object_unref(address);

  write_all(up, &byte, 1);
  read_all(down, &w.start_ns, sizeof w.start_ns); /* every process starts at the same moment */
  g_main_context_push_thread_default(context); /* the async handshakes report to this context */
  for (int i = 0; i < (cfg.inflight > 0 ? MIN(cfg.inflight, n) : n); i++)
    start_next(&w);
  iterate_until(&w, context, &w.handshakes_done, n, w.start_ns + (gint64) (cfg.timeout * 1e9));
  for (int i = 0; i < n; i++) {
    Client *c = &w.clients[i];
    if (c->done_ns == 0) { /* still handshaking at the timeout */
      c->done_ns = -1;
      if (w.h.failures++ == 0)
        g_snprintf(w.h.first_error, sizeof w.h.first_error, "no handshake after --timeout %.0f s", cfg.timeout);
    }
    w.connect_s[i] = c->done_ns < 0 ? -1 : (c->done_ns - w.start_ns) / 1e9;
  }

  byte = 'C';
  write_all(up, &byte, 1);
  read_all(down, &byte, 1); /* every process is connected */
  w.h.data_start = bench_now_ns();
  int active = 0;
  if (cfg.mode == MODE_ECHO) {
    for (int i = 0; i < n; i++) {
      Client *c = &w.clients[i];
      if (c->done_ns < 0)
        continue;
      active++;
      GSource *source = g_datagram_based_create_source(c->conn, G_IO_IN, NULL);
      g_source_set_callback(source, (GSourceFunc) (void (*)(void)) on_echo, c, NULL);
      g_source_attach(source, context);
      g_source_unref(source);
      for (int j = 0; j < cfg.window && c->sent < cfg.k; j++)
        send_probe(c, cfg.size);
    }
    iterate_until(&w, context, &w.echo_finished, active, w.h.data_start + (gint64) (cfg.timeout * 1e9));
    w.h.lost = (long) active * cfg.k - w.h.round_trips;
  } else if (cfg.mode == MODE_IDLE) {
    int *ready = g_new(int, n);
    for (int i = 0; i < n; i++)
      if (w.clients[i].done_ns > 0)
        ready[active++] = i;
    g_usleep((gulong) (cfg.idle_wait * G_USEC_PER_SEC));
    w.h.data_start = bench_now_ns();
    guint8 buffer[MAX_DATAGRAM];
    for (int p = 0; p < probes && active > 0; p++) {
      Client *c = &w.clients[ready[g_random_int_range(0, active)]];
      GInputVector vector = { buffer, sizeof buffer };
      GInputMessage message = { NULL, &vector, 1, 0, 0, NULL, NULL };
      send_probe(c, cfg.size);
      gint r = g_datagram_based_receive_messages(c->conn, &message, 1, 0, 2 * G_USEC_PER_SEC, NULL, &error);
      if (r == 1 && message.bytes_received >= 8) {
        gint64 sent_at;
        memcpy(&sent_at, buffer, sizeof sent_at);
        add_rtt(&w, (bench_now_ns() - sent_at) / 1e3);
        w.h.round_trips++;
      } else {
        w.h.lost++;
        g_clear_error(&error);
      }
    }
    g_free(ready);
  }
  w.h.data_end = bench_now_ns();
  sample_threads(&w);
  if (cfg.hold > 0) { /* the connections stay open, the context keeps running */
    int never = 0;
    iterate_until(&w, context, &never, 1, bench_now_ns() + (gint64) (cfg.hold * 1e9));
  }

  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  w.h.cpu_s = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  write_all(up, &w.h, sizeof w.h);
  write_all(up, w.connect_s, n * sizeof(double));
  write_all(up, w.rtt_us, w.h.rtt_n * sizeof(double));
  for (int i = 0; i < n; i++) /* close_notify, so that the server lets its peers go */
    if (w.clients[i].done_ns > 0)
      g_dtls_connection_close(G_DTLS_CONNECTION(w.clients[i].conn), NULL, NULL);
  _exit(0); /* the rest is freed with the process */
}

static void print_seconds(const char *key, double *values, long n)
{
  if (n == 0) {
    printf("%s_median=nan\n%s_p90=nan\n%s_max=nan\n", key, key, key);
    return;
  }
  printf("%s_median=%.3f\n", key, bench_percentile(values, n, 50));
  printf("%s_p90=%.3f\n", key, bench_percentile(values, n, 90));
  printf("%s_max=%.3f\n", key, bench_percentile(values, n, 100));
}

/* Forks the load processes, starts them together, gathers and prints their figures. */
static int run_load(void)
{
  int procs = cfg.procs, *up = g_new(int, procs), *down = g_new(int, procs);
  pid_t *pids = g_new(pid_t, procs);
  fflush(stdout);
  for (int p = 0; p < procs; p++) {
    int to_parent[2], to_child[2];
    if (pipe(to_parent) < 0 || pipe(to_child) < 0) {
      perror("pipe");
      return 1;
    }
    int n = cfg.n / procs + (p < cfg.n % procs);
    int probes = p == 0 ? cfg.probes : 0; /* one prober: round trips one at a time, none racing another */
    pids[p] = fork();
    if (pids[p] == 0) {
      close(to_parent[0]);
      close(to_child[1]);
      run_worker(n, probes, to_parent[1], to_child[0]);
    }
    close(to_parent[1]);
    close(to_child[0]);
    up[p] = to_parent[0];
    down[p] = to_child[1];
  }
  char byte;
  for (int p = 0; p < procs; p++)
    read_all(up[p], &byte, 1); /* clients created */
  gint64 start = bench_now_ns();
  for (int p = 0; p < procs; p++)
    write_all(down[p], &start, sizeof start);
  for (int p = 0; p < procs; p++)
    read_all(up[p], &byte, 1); /* handshakes over */
  for (int p = 0; p < procs; p++)
    write_all(down[p], "G", 1);

  double *connect = g_new(double, cfg.n), *rtt = NULL;
  double cpu = 0;
  long connected = 0, failures = 0, round_trips = 0, lost = 0, rtt_n = 0, threads_sum = 0, threads_max = 0;
  gint64 data_start = G_MAXINT64, data_end = 0;
  char first_error[256] = "";
  for (int p = 0; p < procs; p++) {
    Header h;
    read_all(up[p], &h, sizeof h);
    double *times = g_new(double, h.n);
    read_all(up[p], times, h.n * sizeof(double));
    for (int i = 0; i < h.n; i++)
      if (times[i] >= 0)
        connect[connected++] = times[i];
    g_free(times);
    rtt = g_renew(double, rtt, rtt_n + h.rtt_n + 1);
    read_all(up[p], rtt + rtt_n, h.rtt_n * sizeof(double));
    rtt_n += h.rtt_n;
    failures += h.failures;
    cpu += h.cpu_s;
    round_trips += h.round_trips;
    lost += h.lost;
    threads_sum += h.threads_peak;
    threads_max = MAX(threads_max, h.threads_peak);
    data_start = MIN(data_start, h.data_start);
    data_end = MAX(data_end, h.data_end);
    if (first_error[0] == 0 && h.first_error[0] != 0)
      g_strlcpy(first_error, h.first_error, sizeof first_error);
  }
  int status, worst = 0;
  for (int p = 0; p < procs; p++)
    if (waitpid(pids[p], &status, 0) > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
      worst = 1;

  const char *names[] = { "connect", "echo", "idle" };
  printf("mode=%s\nclients=%d\nprocs=%d\n", names[cfg.mode], cfg.n, procs);
  printf("connected=%ld\nhandshake_failures=%ld\nfirst_error=%s\n", connected, failures,
         first_error[0] ? first_error : "none");
  double all = connected ? bench_percentile(connect, connected, 100) : 0;
  printf("all_connected_s=%.3f\n", all);
  printf("handshakes_per_s=%.2f\n", all > 0 ? connected / all : 0);
  print_seconds("connect_s", connect, connected);
  printf("client_cpu_s=%.2f\n", cpu);
  printf("client_peak_threads_max_per_proc=%ld\nclient_peak_threads_sum=%ld\n", threads_max, threads_sum);
  if (cfg.mode == MODE_ECHO || cfg.mode == MODE_IDLE) {
    double span = (data_end - data_start) / 1e9;
    printf("round_trips=%ld\nlost=%ld\ndata_seconds=%.3f\n", round_trips, lost, span);
    if (cfg.mode == MODE_ECHO) {
      printf("round_trips_per_s=%.0f\n", span > 0 ? round_trips / span : 0);
      printf("server_datagrams_per_s=%.0f\n", span > 0 ? 2 * round_trips / span : 0); /* in + out */
      printf("payload_mb_per_s_each_way=%.2f\n", span > 0 ? round_trips * (double) cfg.size / span / 1e6 : 0);
    }
    if (rtt_n > 0) {
      printf("rtt_us_median=%.1f\n", bench_percentile(rtt, rtt_n, 50));
      printf("rtt_us_p99=%.1f\n", bench_percentile(rtt, rtt_n, 99));
      printf("rtt_us_max=%.1f\n", bench_percentile(rtt, rtt_n, 100));
    }
  }
  fflush(stdout);
  return worst || failures > 0 || lost > 0 ? 1 : 0;
}

/* The first datagram a GIO client sends: its ClientHello, caught on a local socket. */
static GBytes *capture_client_hello(void)
{
  GError *error = NULL;
  BenchPki pki;
  bench_pki_load(&pki, cfg.pki);
  GSocket *catcher = bench_bound_socket(), *client = bench_bound_socket();
  bench_connect_to(client, catcher);
  GDatagramBased *conn = client_connection(client, pki.trust);
  GCancellable *cancel = g_cancellable_new();
  g_dtls_connection_handshake_async(G_DTLS_CONNECTION(conn), G_PRIORITY_DEFAULT, cancel, NULL, NULL);
  guint8 buffer[MAX_DATAGRAM];
  g_socket_set_timeout(catcher, 5);
  gssize n = g_socket_receive(catcher, (gchar *) buffer, sizeof buffer, NULL, &error);
  if (n <= 0)
    bench_fail("capture ClientHello", error);
  g_cancellable_cancel(cancel); /* the handshake gives up; its further resends go to the catcher */
  return g_bytes_new(buffer, n);
}

static int run_amplify(void)
{
  GError *error = NULL;
  GBytes *hello = capture_client_hello();
  gsize in_size;
  const guint8 *in = g_bytes_get_data(hello, &in_size);
  GSocketAddress *address = server_address();
  int h = cfg.hellos;
  GSocket **silent = g_new(GSocket *, h); /* each receives, never answers: --hellos spoofed peers */
  struct pollfd *fds = g_new0(struct pollfd, h);
  gint64 start = bench_now_ns();
  for (int i = 0; i < h; i++) {
    silent[i] = bench_bound_socket();
    fds[i] = (struct pollfd) { g_socket_get_fd(silent[i]), POLLIN, 0 };
    if (g_socket_send_to(silent[i], address, (const gchar *) in, in_size, NULL, &error) != (gssize) in_size)
      bench_fail("send ClientHello", error);
  }
  printf("mode=amplify\nseconds=%.0f\nhellos_sent=%d\n", cfg.seconds, h);
  printf("client_hello_bytes=%zu\n", in_size);
  fflush(stdout);
  long out_bytes = 0, out_datagrams = 0;
  GString *arrivals = g_string_new(""); /* of the first socket: the resend schedule */
  gint64 end = start + (gint64) (cfg.seconds * 1e9);
  guint8 buffer[65536];
  for (gint64 now; (now = bench_now_ns()) < end;) {
    if (poll(fds, h, (int) ((end - now) / 1000000) + 1) <= 0)
      continue;
    for (int i = 0; i < h; i++) {
      if (!(fds[i].revents & POLLIN))
        continue;
      gssize n = g_socket_receive(silent[i], (gchar *) buffer, sizeof buffer, NULL, NULL);
      if (n < 0)
        continue;
      out_bytes += n;
      out_datagrams++;
      if (i == 0)
        g_string_append_printf(arrivals, "%s%.2f:%zd", arrivals->len ? "," : "", (bench_now_ns() - start) / 1e9, n);
    }
  }
  printf("bytes_in=%zu\n", in_size * h);
  printf("bytes_back=%ld\ndatagrams_back=%ld\n", out_bytes, out_datagrams);
  printf("amplification=%.2f\n", (double) out_bytes / (in_size * h));
  printf("first_socket_arrivals_s_bytes=%s\n", arrivals->len ? arrivals->str : "none");
  fflush(stdout);
  _exit(0); /* the cancelled capture handshake may still be unwinding on a GTask thread */
}

int main(int argc, char **argv)
{
  const char *usage = "usage: %s HOST:PORT PKI_DIR connect N | echo N K SIZE | idle N M | amplify "
                      "[--procs P] [--hold S] [--window W] [--size B] [--timeout S] [--idle-wait S] [--seconds S] [--inflight B] [--hellos H]\n";
  char *positional[8];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--", 2) == 0 && i + 1 < argc) {
      const char *o = argv[i], *v = argv[++i];
      if (strcmp(o, "--procs") == 0) cfg.procs = atoi(v);
      else if (strcmp(o, "--hold") == 0) cfg.hold = atof(v);
      else if (strcmp(o, "--window") == 0) cfg.window = atoi(v);
      else if (strcmp(o, "--size") == 0) cfg.size = atoi(v);
      else if (strcmp(o, "--timeout") == 0) cfg.timeout = atof(v);
      else if (strcmp(o, "--idle-wait") == 0) cfg.idle_wait = atof(v);
      else if (strcmp(o, "--seconds") == 0) cfg.seconds = atof(v);
      else if (strcmp(o, "--inflight") == 0) cfg.inflight = atoi(v);
      else if (strcmp(o, "--hellos") == 0) cfg.hellos = MAX(1, atoi(v));
      else {
        fprintf(stderr, "unknown option %s\n", o);
        return 2;
      }
    } else if (npos < 8)
      positional[npos++] = argv[i];
  }
  char *colon = npos >= 3 ? strrchr(positional[0], ':') : NULL;
  if (colon == NULL) {
    fprintf(stderr, usage, argv[0]);
    return 2;
  }
  cfg.host = g_strndup(positional[0], colon - positional[0]);
  cfg.port = atoi(colon + 1);
  cfg.pki = positional[1];
  const char *mode = positional[2];
  if (strcmp(mode, "amplify") == 0) {
    cfg.mode = MODE_AMPLIFY;
    return run_amplify();
  }
  cfg.n = npos > 3 ? atoi(positional[3]) : 0;
  if (strcmp(mode, "connect") == 0 && npos == 4)
    cfg.mode = MODE_CONNECT;
  else if (strcmp(mode, "echo") == 0 && npos == 6) {
    cfg.mode = MODE_ECHO;
    cfg.k = atoi(positional[4]);
    cfg.size = atoi(positional[5]);
  } else if (strcmp(mode, "idle") == 0 && npos == 5) {
    cfg.mode = MODE_IDLE;
    cfg.probes = atoi(positional[4]);
  } else {
    fprintf(stderr, usage, argv[0]);
    return 2;
  }
  if (cfg.n <= 0 || cfg.procs <= 0 || cfg.procs > cfg.n || cfg.size < 8 || cfg.size > 1363 || cfg.window <= 0
      || (cfg.mode == MODE_ECHO && cfg.k <= 0)) {
    fprintf(stderr, "need N > 0, 0 < procs <= N, 8 <= size <= 1363 (GIO's largest record), window > 0, K > 0\n");
    return 2;
  }
  return run_load();
}
