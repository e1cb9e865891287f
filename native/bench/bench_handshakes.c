/*
 * C baseline of ConcurrentHandshakesBenchmark: `pairs` DTLS client+server pairs over UDP loopback sockets
 * connected to each other, every g_dtls_connection_handshake_async() (server and client) started at once on
 * ONE GMainContext, which this thread then iterates until all 2 * pairs handshakes finished. A pair counts as
 * one handshake: handshakes/s = pairs / time. Creating and closing the connections is not timed. Server:
 * server.pem + server-key.pem; client: database ca.pem, identity server.example.com (as the Java benchmark).
 *
 *   gdtls-bench-handshakes PKI_DIR [pairs (128)] [rounds (5)] [warmup rounds (1)]
 * Prints each round, then the median over the rounds, one "key=value" per summary line.
 */
#include <gio/gio.h>
#include <stdio.h>

#include "bench_stats.h"

#define SERVER_IDENTITY "server.example.com"

typedef struct {
  GSocket *client_socket, *server_socket;
  GDatagramBased *client, *server;
} Pair;

typedef struct {
  int done;
  int failures;
  GError *first_error;
} Round;

static GSocket *bound_udp_socket(void)
{
  GError *error = NULL;
  GSocket *socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error(error);
  GSocketAddress *loopback = g_inet_socket_address_new_from_string("127.0.0.1", 0);
  g_socket_bind(socket, loopback, FALSE, &error);
  g_assert_no_error(error);
  g_object_unref(loopback);
  return socket;
}

static void connect_to(GSocket *socket, GSocket *peer)
{
  GError *error = NULL;
  GSocketAddress *address = g_socket_get_local_address(peer, &error);
  g_assert_no_error(error);
  g_socket_connect(socket, address, NULL, &error);
  g_assert_no_error(error);
  g_object_unref(address);
}

static void create_pair(Pair *pair, GTlsCertificate *server_cert, GTlsDatabase *trust)
{
  GError *error = NULL;
  pair->server_socket = bound_udp_socket();
  pair->client_socket = bound_udp_socket();
  connect_to(pair->server_socket, pair->client_socket);
  connect_to(pair->client_socket, pair->server_socket);
  pair->server = g_dtls_server_connection_new(G_DATAGRAM_BASED(pair->server_socket), server_cert, &error);
  g_assert_no_error(error);
  GSocketConnectable *identity = g_network_address_new(SERVER_IDENTITY, 0);
  pair->client = g_dtls_client_connection_new(G_DATAGRAM_BASED(pair->client_socket), identity, &error);
  g_assert_no_error(error);
  g_object_unref(identity);
  g_dtls_connection_set_database(G_DTLS_CONNECTION(pair->client), trust);
}

static void close_pair(Pair *pair)
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

static void on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
  Round *round = data;
  GError *error = NULL;
  if (!g_dtls_connection_handshake_finish(G_DTLS_CONNECTION(source), result, &error)) {
    round->failures++;
    if (round->first_error == NULL)
      round->first_error = error;
    else
      g_error_free(error);
  }
  round->done++;
}

/* One round; returns its duration in seconds, or a negative value if a handshake failed. */
static double run_round(GMainContext *context, int pairs, GTlsCertificate *server_cert, GTlsDatabase *trust)
{
  Pair *pair = g_new0(Pair, pairs);
  for (int i = 0; i < pairs; i++)
    create_pair(&pair[i], server_cert, trust);

  Round round = { 0 };
  g_main_context_push_thread_default(context); /* the async handshakes report to the context of the caller */
  gint64 start = bench_now_ns();
  for (int i = 0; i < pairs; i++) {
    g_dtls_connection_handshake_async(G_DTLS_CONNECTION(pair[i].server), G_PRIORITY_DEFAULT, NULL, on_handshake,
                                      &round);
    g_dtls_connection_handshake_async(G_DTLS_CONNECTION(pair[i].client), G_PRIORITY_DEFAULT, NULL, on_handshake,
                                      &round);
  }
  while (round.done < 2 * pairs)
    g_main_context_iteration(context, TRUE);
  gint64 elapsed = bench_now_ns() - start;
  g_main_context_pop_thread_default(context);

  for (int i = 0; i < pairs; i++)
    close_pair(&pair[i]);
  g_free(pair);
  if (round.failures > 0) {
    fprintf(stderr, "%d handshakes failed, the first: %s\n", round.failures, round.first_error->message);
    g_error_free(round.first_error);
    return -1;
  }
  return elapsed / 1e9;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR [pairs] [rounds] [warmup rounds]\n", argv[0]);
    return 2;
  }
  /* GTlsFileDatabase wants an absolute anchor path. */
  char *pki = g_canonicalize_filename(argv[1], NULL);
  int pairs = argc > 2 ? atoi(argv[2]) : 128;
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  int warmup = argc > 4 ? atoi(argv[4]) : 1;
  if (pairs <= 0 || rounds <= 0 || warmup < 0) {
    fprintf(stderr, "pairs and rounds must be > 0, warmup rounds >= 0\n");
    return 2;
  }

  GError *error = NULL;
  char *cert_file = g_build_filename(pki, "server.pem", NULL);
  char *key_file = g_build_filename(pki, "server-key.pem", NULL);
  char *ca_file = g_build_filename(pki, "ca.pem", NULL);
  GTlsCertificate *server_cert = g_tls_certificate_new_from_files(cert_file, key_file, &error);
  if (server_cert == NULL) {
    fprintf(stderr, "%s: %s\n", cert_file, error->message);
    return 1;
  }
  GTlsDatabase *trust = g_tls_file_database_new(ca_file, &error);
  if (trust == NULL) {
    fprintf(stderr, "%s: %s\n", ca_file, error->message);
    return 1;
  }
  GMainContext *context = g_main_context_new();

  double *rates = g_new(double, rounds);
  double *seconds = g_new(double, rounds);
  for (int i = -warmup; i < rounds; i++) {
    double s = run_round(context, pairs, server_cert, trust);
    if (s < 0)
      return 1;
    printf("round %s%d: %.3f s, %.2f handshakes/s\n", i < 0 ? "warmup " : "", i < 0 ? i + warmup + 1 : i + 1, s,
           pairs / s);
    fflush(stdout);
    if (i >= 0) {
      seconds[i] = s;
      rates[i] = pairs / s;
    }
  }

  printf("scenario=%d concurrent async handshake pairs on one GMainContext\n", pairs);
  printf("pairs=%d\n", pairs);
  printf("rounds=%d\n", rounds);
  printf("warmup_rounds=%d\n", warmup);
  printf("median_seconds=%.4f\n", bench_percentile(seconds, rounds, 50));
  printf("median_handshakes_per_s=%.3f\n", bench_percentile(rates, rounds, 50));

  g_free(rates);
  g_free(seconds);
  g_main_context_unref(context);
  g_object_unref(trust);
  g_object_unref(server_cert);
  g_free(cert_file);
  g_free(key_file);
  g_free(ca_file);
  g_free(pki);
  return 0;
}
