/*
 * The loopback setup the data-path baselines share, the same as the Java benchmarks' (and the tests'
 * LoopbackPair): two UDP sockets on 127.0.0.1 connected to each other, a DTLS server with server.pem +
 * server-key.pem, a client trusting ca.pem with identity server.example.com.
 */
#ifndef GDTLS_BENCH_LOOPBACK_H
#define GDTLS_BENCH_LOOPBACK_H

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#define BENCH_SERVER_IDENTITY "server.example.com"

typedef struct {
  GTlsCertificate *server_cert;
  GTlsDatabase *trust;
} BenchPki;

typedef struct {
  GSocket *client_socket, *server_socket;
  GDatagramBased *client, *server;
} BenchPair;

static inline void bench_fail(const char *what, GError *error)
{
  fprintf(stderr, "%s: %s\n", what, error ? error->message : "failed");
  exit(1);
}

static inline void bench_pki_load(BenchPki *pki, const char *dir)
{
  GError *error = NULL;
  char *abs = g_canonicalize_filename(dir, NULL); /* GTlsFileDatabase wants an absolute anchor path */
  char *cert = g_build_filename(abs, "server.pem", NULL);
  char *key = g_build_filename(abs, "server-key.pem", NULL);
  char *ca = g_build_filename(abs, "ca.pem", NULL);
  pki->server_cert = g_tls_certificate_new_from_files(cert, key, &error);
  if (pki->server_cert == NULL)
    bench_fail(cert, error);
  pki->trust = g_tls_file_database_new(ca, &error);
  if (pki->trust == NULL)
    bench_fail(ca, error);
  g_free(abs);
  g_free(cert);
  g_free(key);
  g_free(ca);
}

static inline void bench_pki_free(BenchPki *pki)
{
  g_object_unref(pki->server_cert);
  g_object_unref(pki->trust);
}

static GSocket *bench_bound_socket(void)
{
  GError *error = NULL;
  GSocket *socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (socket == NULL)
    bench_fail("g_socket_new", error);
  GSocketAddress *loopback = g_inet_socket_address_new_from_string("127.0.0.1", 0);
  if (!g_socket_bind(socket, loopback, FALSE, &error))
    bench_fail("g_socket_bind", error);
  g_object_unref(loopback);
  return socket;
}

static inline void bench_connect_to(GSocket *socket, GSocket *peer)
{
  GError *error = NULL;
  GSocketAddress *address = g_socket_get_local_address(peer, &error);
  if (address == NULL || !g_socket_connect(socket, address, NULL, &error))
    bench_fail("g_socket_connect", error);
  g_object_unref(address);
}

static inline void bench_pair_create(BenchPair *pair, const BenchPki *pki)
{
  GError *error = NULL;
  pair->server_socket = bench_bound_socket();
  pair->client_socket = bench_bound_socket();
  bench_connect_to(pair->server_socket, pair->client_socket);
  bench_connect_to(pair->client_socket, pair->server_socket);
  pair->server = g_dtls_server_connection_new(G_DATAGRAM_BASED(pair->server_socket), pki->server_cert, &error);
  if (pair->server == NULL)
    bench_fail("g_dtls_server_connection_new", error);
  GSocketConnectable *identity = g_network_address_new(BENCH_SERVER_IDENTITY, 0);
  pair->client = g_dtls_client_connection_new(G_DATAGRAM_BASED(pair->client_socket), identity, &error);
  if (pair->client == NULL)
    bench_fail("g_dtls_client_connection_new", error);
  g_object_unref(identity);
  g_dtls_connection_set_database(G_DTLS_CONNECTION(pair->client), pki->trust);
}

static inline gpointer bench_server_handshake(gpointer data)
{
  GError *error = NULL;
  if (!g_dtls_connection_handshake(G_DTLS_CONNECTION(data), NULL, &error))
    bench_fail("server handshake", error);
  return NULL;
}

/* Both sync handshakes at once, the server's on its own thread (as the Java benchmarks do). */
static inline void bench_pair_handshake(BenchPair *pair)
{
  GError *error = NULL;
  GThread *server = g_thread_new("bench-server-handshake", bench_server_handshake, pair->server);
  if (!g_dtls_connection_handshake(G_DTLS_CONNECTION(pair->client), NULL, &error))
    bench_fail("client handshake", error);
  g_thread_join(server);
}

static inline void bench_pair_close(BenchPair *pair)
{
  g_dtls_connection_close(G_DTLS_CONNECTION(pair->client), NULL, NULL);
  g_dtls_connection_close(G_DTLS_CONNECTION(pair->server), NULL, NULL);
  g_object_unref(pair->client);
  g_object_unref(pair->server);
  g_socket_close(pair->client_socket, NULL);
  g_socket_close(pair->server_socket, NULL);
  g_object_unref(pair->client_socket);
  g_object_unref(pair->server_socket);
}

typedef struct {
  int done;
  int failures;
} BenchHandshakes;

static inline void bench_on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
  BenchHandshakes *handshakes = data;
  GError *error = NULL;
  if (!g_dtls_connection_handshake_finish(G_DTLS_CONNECTION(source), result, &error)) {
    fprintf(stderr, "handshake: %s\n", error->message);
    g_error_free(error);
    handshakes->failures++;
  }
  handshakes->done++;
}

/* The first `n` pairs' handshakes all started at once with g_dtls_connection_handshake_async, reporting to
 * `context`, which this thread iterates until every one finished (as the Java side's one pump). Returns how many
 * failed, each printed to stderr. */
static inline int bench_pairs_handshake_async(BenchPair *pairs, int n, GMainContext *context)
{
  BenchHandshakes handshakes = { 0 };
  g_main_context_push_thread_default(context); /* the async handshakes report to the context of the caller */
  for (int i = 0; i < n; i++) {
    g_dtls_connection_handshake_async(G_DTLS_CONNECTION(pairs[i].server), G_PRIORITY_DEFAULT, NULL,
                                      bench_on_handshake, &handshakes);
    g_dtls_connection_handshake_async(G_DTLS_CONNECTION(pairs[i].client), G_PRIORITY_DEFAULT, NULL,
                                      bench_on_handshake, &handshakes);
  }
  while (handshakes.done < 2 * n)
    g_main_context_iteration(context, TRUE);
  g_main_context_pop_thread_default(context);
  return handshakes.failures;
}

/* One datagram of `size` bytes from `buffer` through g_datagram_based_send_messages. */
static inline void bench_send_one(GDatagramBased *conn, guint8 *buffer, gsize size)
{
  GError *error = NULL;
  GOutputVector vector = { buffer, size };
  GOutputMessage message = { NULL, &vector, 1, 0, NULL, 0 };
  if (g_datagram_based_send_messages(conn, &message, 1, 0, -1, NULL, &error) != 1)
    bench_fail("send", error);
}

/* One datagram into `buffer`; returns its length. */
static inline gsize bench_receive_one(GDatagramBased *conn, guint8 *buffer, gsize size)
{
  GError *error = NULL;
  GInputVector vector = { buffer, size };
  GInputMessage message = { NULL, &vector, 1, 0, 0, NULL, NULL };
  if (g_datagram_based_receive_messages(conn, &message, 1, 0, -1, NULL, &error) != 1)
    bench_fail("receive", error);
  return message.bytes_received;
}

#endif
