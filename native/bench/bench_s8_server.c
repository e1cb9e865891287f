/*
 * S8 C reference server (issue 15): many DTLS peers on one UDP port, the way plain GIO allows it. GIO's DTLS
 * sends without an address, so every peer gets its own UDP socket bound to the shared port and connect()ed to
 * the peer; Linux then hands that socket its peer's datagrams and leaves the rest to the unconnected listening
 * socket (a connected socket scores higher in the UDP lookup). One GDtlsServerConnection per peer, every
 * handshake async on the default GMainContext (GIO runs each on its GTask thread pool), and every datagram
 * echoed back from that context.
 *
 * A new peer is learnt from its first datagram on the listening socket (the ClientHello), which that socket
 * receives: it can never reach the connected socket made afterwards. --first-hello says what becomes of it:
 *   replay      (default) the connection's transport is a small GDatagramBased (S8Replay) over the connected
 *               socket that hands the saved ClientHello to GnuTLS first; the handshake starts at once.
 *   retransmit  the ClientHello is dropped; the connection waits on the bare connected GSocket for the client's
 *               resend, which GnuTLS sends after 1 s: a handshake that could start at once takes a second more.
 * (glib-networking's tests peek the ClientHello and connect() the listening socket itself; with many clients at
 * once that socket's queue holds other peers' ClientHellos too, which the new connection would then read.)
 * Measured (2 vCPUs): once clients queue, both reach about the same handshakes/s (a queued peer's resend is
 * waiting when a pool thread takes it up; 200 clients: replay 36/s, retransmit 32/s), but with retransmit the
 * first handshakes wait a full second more. An unanswered ClientHello (238 bytes, from a GIO client) makes the
 * replay server send its first flight (1409 bytes in 4 datagrams) at 0, 1, 4, 10, 22 and 46 s: 30x in 30 s, 35x
 * over the 60 s the handshake lasts (no cookies in glib-networking). The retransmit server answers that single
 * ClientHello with nothing, but one that is sent twice gets the same flights.
 *
 * --reuse says how the sockets share the port: glib = g_socket_bind(allow_reuse TRUE), which on Linux sets
 * SO_REUSEADDR and, for datagram sockets, SO_REUSEPORT; addr, port, both, none = just those options, set by hand.
 * Measured on Linux 6.18: addr alone, port alone, both and glib all work (each connected socket gets its peer's
 * datagrams, the listener the new peers'); none fails the second bind() with EADDRINUSE.
 * A datagram from another new peer can land on a peer socket in the instant between its bind() and connect():
 * such strays are read off after connect() and dropped (counted; that peer resends after 1 s).
 *
 * --database: g_dtls_server_connection_new makes glib-networking 2.74 parse the system CA bundle
 * (gnutls_x509_trust_list_add_system_trust) in the constructor of every connection, ~8 ms of CPU on the main loop
 * (perf), and keep it with the default database: ~3.7 MB per connection. system (default) = that, GIO's own way;
 * none = the database set to NULL after construction (frees the memory, not the CPU); construct-none = the
 * connection constructed with "database" NULL, as g_dtls_server_connection_new does plus that one property
 * (~0.1 ms; ~28 KB per idle peer). A server that asks no client certificate needs no database.
 *
 *   gdtls-bench-s8-server PKI_DIR [--host 127.0.0.1] [--port 0] [--max-peers N] [--duration S]
 *                         [--first-hello replay|retransmit] [--reuse glib|addr|port|both|none] [--report S]
 *                         [--database system|none|construct-none]
 * Prints "port=P" once listening, a "status ..." line every --report seconds (default 1), and "key=value"
 * summary lines on SIGINT/SIGTERM or after --duration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_loopback.h"
#include "bench_process.h"
#include "bench_stats.h"

#define MAX_DATAGRAM 2048
#define ECHO_BATCH 16

/* ---- S8Replay: a connected GSocket whose first received datagram is one saved beforehand ---- */

typedef struct {
  GObject parent;
  GSocket *base;
  GMutex lock; /* the handshake reads on a GTask thread, sources are made on the main one */
  GBytes *saved;
} S8Replay;
typedef GObjectClass S8ReplayClass;

static void s8_replay_iface_init(GDatagramBasedInterface *iface);
G_DEFINE_TYPE_WITH_CODE(S8Replay, s8_replay, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(G_TYPE_DATAGRAM_BASED, s8_replay_iface_init))
#define S8_REPLAY(o) ((S8Replay *) (o))

static GBytes *s8_replay_take(S8Replay *self)
{
  g_mutex_lock(&self->lock);
  GBytes *saved = self->saved;
  self->saved = NULL;
  g_mutex_unlock(&self->lock);
  return saved;
}

static gboolean s8_replay_pending(S8Replay *self)
{
  g_mutex_lock(&self->lock);
  gboolean pending = self->saved != NULL;
  g_mutex_unlock(&self->lock);
  return pending;
}

static gint s8_replay_receive(GDatagramBased *db, GInputMessage *messages, guint n, gint flags, gint64 timeout,
                              GCancellable *cancellable, GError **error)
{
  GBytes *saved = n > 0 ? s8_replay_take(S8_REPLAY(db)) : NULL;
  if (saved == NULL)
    return g_datagram_based_receive_messages(G_DATAGRAM_BASED(S8_REPLAY(db)->base), messages, n, flags, timeout,
                                             cancellable, error);
  gsize size, done = 0;
  const guint8 *data = g_bytes_get_data(saved, &size);
  for (guint v = 0; v < messages[0].num_vectors && done < size; v++) { /* scatter, truncating like a socket */
    gsize chunk = MIN(size - done, messages[0].vectors[v].size);
    memcpy(messages[0].vectors[v].buffer, data + done, chunk);
    done += chunk;
  }
  messages[0].bytes_received = done;
  messages[0].flags = 0;
  if (messages[0].address != NULL)
    *messages[0].address = g_socket_get_remote_address(S8_REPLAY(db)->base, NULL);
  if (messages[0].control_messages != NULL) {
    *messages[0].control_messages = NULL;
    messages[0].num_control_messages = 0;
  }
  g_bytes_unref(saved);
  return 1;
}

static gint s8_replay_send(GDatagramBased *db, GOutputMessage *messages, guint n, gint flags, gint64 timeout,
                           GCancellable *cancellable, GError **error)
{
  return g_datagram_based_send_messages(G_DATAGRAM_BASED(S8_REPLAY(db)->base), messages, n, flags, timeout,
                                        cancellable, error);
}

/* A source that is ready at once: while the saved datagram waits, the transport is readable. */
static gboolean ready_prepare(GSource *source, gint *timeout)
{
  *timeout = 0;
  return TRUE;
}

static gboolean ready_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
  return callback == NULL || ((GDatagramBasedSourceFunc) (void (*)(void)) callback)(NULL, G_IO_IN, data);
}

static GSourceFuncs ready_funcs = { ready_prepare, NULL, ready_dispatch, NULL, NULL, NULL };

static GSource *s8_replay_create_source(GDatagramBased *db, GIOCondition condition, GCancellable *cancellable)
{
  if ((condition & G_IO_IN) && s8_replay_pending(S8_REPLAY(db)))
    return g_source_new(&ready_funcs, sizeof(GSource));
  return g_datagram_based_create_source(G_DATAGRAM_BASED(S8_REPLAY(db)->base), condition, cancellable);
}

static GIOCondition s8_replay_check(GDatagramBased *db, GIOCondition condition)
{
  GIOCondition ready = g_datagram_based_condition_check(G_DATAGRAM_BASED(S8_REPLAY(db)->base), condition);
  return s8_replay_pending(S8_REPLAY(db)) ? ready | (condition & G_IO_IN) : ready;
}

static gboolean s8_replay_wait(GDatagramBased *db, GIOCondition condition, gint64 timeout, GCancellable *cancellable,
                               GError **error)
{
  if ((condition & G_IO_IN) && s8_replay_pending(S8_REPLAY(db)))
    return TRUE;
  return g_datagram_based_condition_wait(G_DATAGRAM_BASED(S8_REPLAY(db)->base), condition, timeout, cancellable,
                                         error);
}

static void s8_replay_iface_init(GDatagramBasedInterface *iface)
{
  iface->receive_messages = s8_replay_receive;
  iface->send_messages = s8_replay_send;
  iface->create_source = s8_replay_create_source;
  iface->condition_check = s8_replay_check;
  iface->condition_wait = s8_replay_wait;
}

static void s8_replay_init(S8Replay *self)
{
  g_mutex_init(&self->lock);
}

static void s8_replay_finalize(GObject *object)
{
  S8Replay *self = S8_REPLAY(object);
  g_clear_object(&self->base);
  g_clear_pointer(&self->saved, g_bytes_unref);
  g_mutex_clear(&self->lock);
  G_OBJECT_CLASS(s8_replay_parent_class)->finalize(object);
}

static void s8_replay_class_init(S8ReplayClass *klass)
{
  klass->finalize = s8_replay_finalize;
}

static GDatagramBased *s8_replay_new(GSocket *base, GBytes *first)
{
  S8Replay *self = g_object_new(s8_replay_get_type(), NULL);
  self->base = g_object_ref(base);
  self->saved = g_bytes_ref(first);
  return G_DATAGRAM_BASED(self);
}

/* ---- the server ---- */

typedef enum { REUSE_GLIB, REUSE_ADDR, REUSE_PORT, REUSE_BOTH, REUSE_NONE } Reuse;

typedef struct {
  char *key; /* "address:port" of the peer */
  GSocket *socket;
  GDatagramBased *conn;
  GSource *echo;
  gboolean established;
} Peer;

static struct {
  GTlsCertificate *cert;
  GSocket *listener;
  struct sockaddr_in local;
  GHashTable *peers; /* key -> Peer */
  GMainLoop *loop;
  Reuse reuse;
  gboolean replay;
  enum { DATABASE_SYSTEM, DATABASE_NONE, DATABASE_CONSTRUCT } database;
  int max_peers;
  long handshakes_ok, handshakes_failed, peers_closed, echoed, hellos, hellos_refused, known_dropped, strays;
  char *first_error;
  long rss_start_kb, rss_peak_kb, threads_peak, peers_peak, established, established_peak, rss_at_established_peak_kb;
  long long malloc_start, malloc_at_established_peak;
  gint64 start_ns, new_conn_ns, start_handshake_ns; /* main-loop time spent creating connections */
} server;

static void note_error(const char *what, GError *error)
{
  if (server.first_error == NULL)
    server.first_error = g_strdup_printf("%s: %s", what, error ? error->message : "failed");
}

static void peer_free(gpointer data)
{
  Peer *peer = data;
  if (peer->echo != NULL) {
    g_source_destroy(peer->echo);
    g_source_unref(peer->echo);
  }
  if (peer->established)
    server.established--;
  g_dtls_connection_close(G_DTLS_CONNECTION(peer->conn), NULL, NULL); /* sends close_notify, does not wait */
  g_object_unref(peer->conn);
  g_socket_close(peer->socket, NULL);
  g_object_unref(peer->socket);
  g_free(peer->key);
  g_free(peer);
  server.peers_closed++;
}

static gboolean on_echo(GDatagramBased *unused, GIOCondition condition, gpointer data)
{
  Peer *peer = data;
  static guint8 buffers[ECHO_BATCH][MAX_DATAGRAM];
  GInputVector in_vectors[ECHO_BATCH];
  GInputMessage in[ECHO_BATCH];
  GOutputVector out_vectors[ECHO_BATCH];
  GOutputMessage out[ECHO_BATCH];
  for (;;) {
    GError *error = NULL;
    for (int i = 0; i < ECHO_BATCH; i++) {
      in_vectors[i] = (GInputVector) { buffers[i], MAX_DATAGRAM };
      in[i] = (GInputMessage) { NULL, &in_vectors[i], 1, 0, 0, NULL, NULL };
    }
    gint n = g_datagram_based_receive_messages(peer->conn, in, ECHO_BATCH, 0, 0, NULL, &error);
    if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_error_free(error);
      return G_SOURCE_CONTINUE;
    }
    if (n <= 0 || in[0].bytes_received == 0) { /* 0: the peer's close_notify */
      if (n < 0) {
        note_error("receive", error);
        g_error_free(error);
      }
      g_source_unref(peer->echo);
      peer->echo = NULL; /* returning REMOVE destroys it */
      g_hash_table_remove(server.peers, peer->key);
      return G_SOURCE_REMOVE;
    }
    for (int i = 0; i < n; i++) {
      out_vectors[i] = (GOutputVector) { buffers[i], in[i].bytes_received };
      out[i] = (GOutputMessage) { NULL, &out_vectors[i], 1, 0, NULL, 0 };
    }
    for (int sent = 0; sent < n;) {
      gint m = g_datagram_based_send_messages(peer->conn, out + sent, n - sent, 0, -1, NULL, &error);
      if (m < 0) {
        note_error("send", error);
        g_clear_error(&error);
        break;
      }
      sent += m;
      server.echoed += m;
    }
  }
}

static void on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
  Peer *peer = data;
  GError *error = NULL;
  if (!g_dtls_connection_handshake_finish(G_DTLS_CONNECTION(source), result, &error)) {
    server.handshakes_failed++;
    note_error("handshake", error);
    g_error_free(error);
    g_hash_table_remove(server.peers, peer->key);
    return;
  }
  server.handshakes_ok++;
  peer->established = TRUE;
  server.established++;
  peer->echo = g_datagram_based_create_source(peer->conn, G_IO_IN, NULL);
  g_source_set_callback(peer->echo, (GSourceFunc) (void (*)(void)) on_echo, peer, NULL);
  g_source_attach(peer->echo, NULL);
}

/* A UDP socket bound to the shared port with the chosen reuse options; connect()ed to `peer` when given. */
static int shared_port_socket(const struct sockaddr_in *peer)
{
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int one = 1;
  if (fd < 0)
    return -1;
  if (server.reuse == REUSE_ADDR || server.reuse == REUSE_BOTH)
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (server.reuse == REUSE_PORT || server.reuse == REUSE_BOTH)
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(fd, (const struct sockaddr *) &server.local, sizeof server.local) < 0
      || (peer != NULL && connect(fd, (const struct sockaddr *) peer, sizeof *peer) < 0)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The connected socket for a new peer; NULL (error set) if the port could not be shared. */
static GSocket *peer_socket(GSocketAddress *address, const struct sockaddr_in *peer, GError **error)
{
  GSocket *socket;
  if (server.reuse == REUSE_GLIB) {
    GSocketAddress *local = g_socket_address_new_from_native((gpointer) &server.local, sizeof server.local);
    socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
    gboolean ok = socket != NULL && g_socket_bind(socket, local, TRUE, error)
                  && g_socket_connect(socket, address, NULL, error);
    g_object_unref(local);
    if (!ok) {
      g_clear_object(&socket);
      return NULL;
    }
  } else {
    int fd = shared_port_socket(peer);
    if (fd < 0) {
      g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "shared port socket: %s", g_strerror(errno));
      return NULL;
    }
    socket = g_socket_new_from_fd(fd, error);
    if (socket == NULL) {
      close(fd);
      return NULL;
    }
  }
  /* Whatever arrived between bind() and connect() came from someone else: drop it. */
  guint8 junk[MAX_DATAGRAM];
  while (recv(g_socket_get_fd(socket), junk, sizeof junk, MSG_DONTWAIT) >= 0)
    server.strays++;
  return socket;
}

static void new_peer(GSocketAddress *address, const char *key, GBytes *hello)
{
  GError *error = NULL;
  struct sockaddr_in native;
  if (!g_socket_address_to_native(address, &native, sizeof native, &error)) {
    note_error("address", error);
    g_error_free(error);
    return;
  }
  GSocket *socket = peer_socket(address, &native, &error);
  if (socket == NULL) {
    note_error("peer socket", error);
    g_error_free(error);
    server.hellos_refused++;
    return;
  }
  GDatagramBased *base = server.replay ? s8_replay_new(socket, hello) : G_DATAGRAM_BASED(g_object_ref(socket));
  Peer *peer = g_new0(Peer, 1);
  peer->key = g_strdup(key);
  peer->socket = socket;
  gint64 t0 = bench_now_ns();
  if (server.database == DATABASE_CONSTRUCT) /* what g_dtls_server_connection_new does, with no database */
    peer->conn = g_initable_new(g_tls_backend_get_dtls_server_connection_type(g_tls_backend_get_default()), NULL,
                                &error, "base-socket", base, "certificate", server.cert, "database", NULL, NULL);
  else
    peer->conn = g_dtls_server_connection_new(base, server.cert, &error);
  server.new_conn_ns += bench_now_ns() - t0;
  g_object_unref(base);
  if (peer->conn == NULL)
    bench_fail("g_dtls_server_connection_new", error);
  if (server.database == DATABASE_NONE)
    g_dtls_connection_set_database(G_DTLS_CONNECTION(peer->conn), NULL);
  g_hash_table_insert(server.peers, peer->key, peer);
  server.hellos++;
  server.peers_peak = MAX(server.peers_peak, (long) g_hash_table_size(server.peers));
  t0 = bench_now_ns();
  g_dtls_connection_handshake_async(G_DTLS_CONNECTION(peer->conn), G_PRIORITY_DEFAULT, NULL, on_handshake, peer);
  server.start_handshake_ns += bench_now_ns() - t0;
}

/* Datagrams on the listening socket: first datagrams of new peers, or late ones of known peers that were queued
 * before their connected socket existed. */
static gboolean on_listen(GSocket *listener, GIOCondition condition, gpointer unused)
{
  static guint8 buffer[MAX_DATAGRAM];
  for (;;) {
    GError *error = NULL;
    GSocketAddress *address = NULL;
    gssize n = g_socket_receive_from(listener, &address, (gchar *) buffer, sizeof buffer, NULL, &error);
    if (n < 0) {
      if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        note_error("listen receive", error);
      g_error_free(error);
      return G_SOURCE_CONTINUE;
    }
    GInetAddress *ip = g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(address));
    char *ip_text = g_inet_address_to_string(ip);
    char *key = g_strdup_printf("%s:%u", ip_text, g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(address)));
    if (g_hash_table_contains(server.peers, key))
      server.known_dropped++;
    else if (server.max_peers > 0 && (int) g_hash_table_size(server.peers) >= server.max_peers)
      server.hellos_refused++;
    else {
      GBytes *hello = g_bytes_new(buffer, n);
      new_peer(address, key, hello);
      g_bytes_unref(hello);
    }
    g_free(key);
    g_free(ip_text);
    g_object_unref(address);
  }
}

static double cpu_seconds(void)
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static gboolean on_sample(gpointer unused)
{
  long rss = bench_rss_kb();
  server.rss_peak_kb = MAX(server.rss_peak_kb, rss);
  server.threads_peak = MAX(server.threads_peak, bench_threads());
  if (server.established > 0 && server.established >= server.established_peak) {
    /* the memory with the most peers connected at once: what idle peers cost */
    server.established_peak = server.established;
    server.rss_at_established_peak_kb = rss;
    server.malloc_at_established_peak = bench_malloc_in_use();
  }
  return G_SOURCE_CONTINUE;
}

static gboolean on_report(gpointer unused)
{
  printf("status t=%.1f peers=%u established=%ld handshakes_ok=%ld handshakes_failed=%ld echoed=%ld rss_kb=%ld "
         "threads=%ld fds=%ld malloc_in_use_kb=%lld cpu_s=%.1f\n",
         (bench_now_ns() - server.start_ns) / 1e9, g_hash_table_size(server.peers), server.established,
         server.handshakes_ok, server.handshakes_failed, server.echoed, bench_rss_kb(), bench_threads(),
         bench_fds(), bench_malloc_in_use() / 1024, cpu_seconds());
  fflush(stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean on_stop(gpointer unused)
{
  g_main_loop_quit(server.loop);
  return G_SOURCE_REMOVE;
}

static void listen_on(const char *host, int port)
{
  GError *error = NULL;
  memset(&server.local, 0, sizeof server.local);
  server.local.sin_family = AF_INET;
  server.local.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &server.local.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", host);
    exit(2);
  }
  if (server.reuse == REUSE_GLIB) {
    server.listener = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    GSocketAddress *local = g_socket_address_new_from_native(&server.local, sizeof server.local);
    if (server.listener == NULL || !g_socket_bind(server.listener, local, TRUE, &error))
      bench_fail("listen", error);
    g_object_unref(local);
  } else {
    int fd = shared_port_socket(NULL);
    if (fd < 0 || (server.listener = g_socket_new_from_fd(fd, &error)) == NULL) {
      fprintf(stderr, "listen: %s\n", error ? error->message : g_strerror(errno));
      exit(1);
    }
  }
  g_socket_set_blocking(server.listener, FALSE);
  GSocketAddress *bound = g_socket_get_local_address(server.listener, &error);
  if (bound == NULL)
    bench_fail("local address", error);
  g_socket_address_to_native(bound, &server.local, sizeof server.local, NULL); /* the port chosen when 0 */
  g_object_unref(bound);
}

int main(int argc, char **argv)
{
  const char *host = "127.0.0.1", *first_hello = "replay", *reuse = "glib";
  int port = 0;
  double duration = 0, report = 1;
  if (argc < 2 || argv[1][0] == '-') {
    fprintf(stderr, "usage: %s PKI_DIR [--host H] [--port P] [--max-peers N] [--duration S] "
                    "[--first-hello replay|retransmit] [--reuse glib|addr|port|both|none] [--report S] "
                    "[--database system|none|construct-none]\n", argv[0]);
    return 2;
  }
  for (int i = 2; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--host") == 0) host = argv[i + 1];
    else if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--max-peers") == 0) server.max_peers = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--duration") == 0) duration = atof(argv[i + 1]);
    else if (strcmp(argv[i], "--first-hello") == 0) first_hello = argv[i + 1];
    else if (strcmp(argv[i], "--reuse") == 0) reuse = argv[i + 1];
    else if (strcmp(argv[i], "--report") == 0) report = atof(argv[i + 1]);
    else if (strcmp(argv[i], "--database") == 0) server.database = strcmp(argv[i + 1], "none") == 0 ? DATABASE_NONE
                                                 : strcmp(argv[i + 1], "construct-none") == 0 ? DATABASE_CONSTRUCT
                                                 : DATABASE_SYSTEM;
    else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  server.replay = strcmp(first_hello, "retransmit") != 0;
  server.reuse = strcmp(reuse, "addr") == 0 ? REUSE_ADDR : strcmp(reuse, "port") == 0 ? REUSE_PORT
                 : strcmp(reuse, "both") == 0 ? REUSE_BOTH : strcmp(reuse, "none") == 0 ? REUSE_NONE : REUSE_GLIB;

  BenchPki pki;
  bench_pki_load(&pki, argv[1]);
  server.cert = pki.server_cert;
  server.peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, peer_free);
  server.loop = g_main_loop_new(NULL, FALSE);
  listen_on(host, port);

  GSource *listen_source = g_socket_create_source(server.listener, G_IO_IN, NULL);
  g_source_set_callback(listen_source, (GSourceFunc) (void (*)(void)) on_listen, NULL, NULL);
  g_source_attach(listen_source, NULL);
  g_timeout_add(100, on_sample, NULL);
  if (report > 0)
    g_timeout_add((guint) (report * 1000), on_report, NULL);
  if (duration > 0)
    g_timeout_add((guint) (duration * 1000), on_stop, NULL);
  g_unix_signal_add(SIGINT, on_stop, NULL);
  g_unix_signal_add(SIGTERM, on_stop, NULL);

  server.start_ns = bench_now_ns();
  server.rss_start_kb = server.rss_peak_kb = bench_rss_kb();
  server.threads_peak = bench_threads();
  server.malloc_start = bench_malloc_in_use();
  printf("port=%d\nfirst_hello=%s\nreuse=%s\n", ntohs(server.local.sin_port), server.replay ? "replay" : "retransmit",
         reuse);
  fflush(stdout);
  g_main_loop_run(server.loop);
  on_sample(NULL);

  printf("peers_at_end=%u\n", g_hash_table_size(server.peers));
  printf("peers_peak=%ld\n", server.peers_peak);
  printf("hellos_accepted=%ld\n", server.hellos);
  printf("hellos_refused=%ld\n", server.hellos_refused);
  printf("known_peer_datagrams_dropped_on_listener=%ld\n", server.known_dropped);
  printf("strays_dropped=%ld\n", server.strays);
  printf("handshakes_ok=%ld\n", server.handshakes_ok);
  printf("handshakes_failed=%ld\n", server.handshakes_failed);
  printf("peers_closed=%ld\n", server.peers_closed);
  printf("datagrams_echoed=%ld\n", server.echoed);
  printf("main_loop_ms_in_g_dtls_server_connection_new=%.0f\n", server.new_conn_ns / 1e6);
  printf("main_loop_ms_in_handshake_async=%.0f\n", server.start_handshake_ns / 1e6);
  printf("rss_start_kb=%ld\n", server.rss_start_kb);
  printf("peak_rss_kb=%ld\n", server.rss_peak_kb);
  printf("peak_threads=%ld\n", server.threads_peak);
  printf("established_peak=%ld\n", server.established_peak);
  printf("rss_kb_at_established_peak=%ld\n", server.rss_at_established_peak_kb);
  printf("malloc_in_use_kb_start=%lld\nmalloc_in_use_kb_at_established_peak=%lld\n", server.malloc_start / 1024,
         server.malloc_at_established_peak / 1024);
  if (server.established_peak > 0) {
    printf("rss_kb_per_established_peer=%.1f\n",
           (double) (server.rss_at_established_peak_kb - server.rss_start_kb) / server.established_peak);
    printf("malloc_kb_per_established_peer=%.1f\n",
           (server.malloc_at_established_peak - server.malloc_start) / 1024.0 / server.established_peak);
  }
  printf("cpu_s=%.2f\nwall_s=%.2f\n", cpu_seconds(), (bench_now_ns() - server.start_ns) / 1e9);
  printf("first_error=%s\n", server.first_error ? server.first_error : "none");
  fflush(stdout);
  /* Exit without closing the peers: close_notify to thousands of clients is not what is measured. */
  _exit(0);
}
