/*
 * The test cases of glib-networking 2.74.0's tls/tests/dtls-connection.c, re-implemented on libgio (not
 * copied) with the same names and flows, each printing its observations as one JSON line:
 *
 *   connection/basic/{blocking,timeout,nonblocking}   server and client on one thread and context
 *   connection/threaded/{blocking,timeout,nonblocking} server on its own thread with its own context
 *   connection/timeouts/read                          server creates its connection and goes silent
 *   connection/lossy/{client,server}                  that side's first datagram is dropped
 *
 * The flow, as upstream: the server waits on its socket for the first datagram, peeks it (MSG_PEEK) to learn
 * the client's address and connects to it, then wraps the socket in a GDtlsServerConnection and sends one
 * 24-byte message (the handshake runs implicitly inside that send), then closes. The client, validation
 * flags 0, receives that message (implicit handshake again) and closes. With a timeout of 0 both sides retry
 * on WOULD_BLOCK while iterating their context, which is what drives the implicit handshake.
 */
#include "glib_networking_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdtls_filter.h"
#include "parity_json.h"

#define TEST_DATA "You win again, gravity!\n"
#define TEST_DATA_LENGTH 24

typedef struct {
  const char *name;
  gint64 server_timeout;            /* microseconds, for the threaded server's send */
  gint64 client_timeout;            /* microseconds, for the client's receive */
  gboolean threaded;
  gboolean server_should_disappear; /* creates its connection, then never answers */
  gboolean drop_client_first;       /* the client's first outgoing datagram is lost */
  gboolean drop_server_first;
} Case;

static const Case cases[] = {
  { "connection/basic/blocking", -1, 0, FALSE, FALSE, FALSE, FALSE },
  { "connection/basic/timeout", 1000 * G_USEC_PER_SEC, 0, FALSE, FALSE, FALSE, FALSE },
  { "connection/basic/nonblocking", 0, 0, FALSE, FALSE, FALSE, FALSE },
  { "connection/threaded/blocking", -1, 0, TRUE, FALSE, FALSE, FALSE },
  { "connection/threaded/timeout", 1000 * G_USEC_PER_SEC, 0, TRUE, FALSE, FALSE, FALSE },
  { "connection/threaded/nonblocking", 0, 0, TRUE, FALSE, FALSE, FALSE },
  { "connection/timeouts/read", 0, G_USEC_PER_SEC / 2, TRUE, TRUE, FALSE, FALSE },
  { "connection/lossy/client", -1, 0, FALSE, FALSE, TRUE, FALSE },
  { "connection/lossy/server", -1, 0, FALSE, FALSE, FALSE, TRUE },
};

typedef struct {
  const Case *c;
  const char *pki_dir;
  GMainContext *client_context;      /* the global default context, as upstream */
  GMainContext *server_context;      /* the same one unless threaded */
  GSocket *server_socket;
  GDatagramBased *server_transport;  /* the socket, or a filter over it */
  GDatagramBased *client_transport;
  GSource *server_source;
  GDatagramBased *server_connection;
  GDatagramBased *client_connection;
  GSocketAddress *address;
  GSocketConnectable *identity;
  volatile gint server_running;

  /* observations */
  GError *server_error;
  gint64 server_bytes_sent;
  gboolean server_closed;
  GError *server_close_error;
  GError *read_error;
  gint64 bytes_received;
  gboolean data_intact;
  GError *client_close_error;
} Test;

static int
drop_first_outgoing (int direction, gint64 serial, gint64 size, gpointer data)
{
  return direction == GDTLS_DATAGRAM_OUT && serial == 1 ? GDTLS_DATAGRAM_DROP : GDTLS_DATAGRAM_KEEP;
}

static GDatagramBased *
transport_over (GSocket *socket, gboolean drop_first)
{
  if (!drop_first)
    return G_DATAGRAM_BASED (g_object_ref (socket));
  return gdtls_filter_datagram_new (G_DATAGRAM_BASED (socket), drop_first_outgoing, NULL, NULL);
}

static void
fail_setup (const char *what, GError *error)
{
  fprintf (stderr, "gdtls-parity-c: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

static void
start_server (Test *t)
{
  GError *error = NULL;
  GInetAddress *loopback = g_inet_address_new_from_string ("127.0.0.1");
  GSocketAddress *any_port = g_inet_socket_address_new (loopback, 0);
  t->server_socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (t->server_socket == NULL || !g_socket_bind (t->server_socket, any_port, FALSE, &error))
    fail_setup ("server socket", error);
  t->address = g_socket_get_local_address (t->server_socket, &error);
  if (t->address == NULL)
    fail_setup ("g_socket_get_local_address", error);
  /* The host name matches the server certificate. */
  t->identity = g_network_address_new ("server.example.com",
                                       g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (t->address)));
  t->server_transport = transport_over (t->server_socket, t->c->drop_server_first);
  g_object_unref (any_port);
  g_object_unref (loopback);
  g_atomic_int_set (&t->server_running, TRUE);
}

static void
close_server (Test *t, gboolean graceful)
{
  if (graceful)
    {
      t->server_closed = TRUE;
      g_dtls_connection_close (G_DTLS_CONNECTION (t->server_connection), NULL, &t->server_close_error);
    }
  while (g_main_context_iteration (t->server_context, FALSE))
    ;
  g_atomic_int_set (&t->server_running, FALSE);
}

/* The server's socket source: the first datagram (a ClientHello) has arrived. */
static gboolean
on_incoming (GSocket *socket, GIOCondition condition, gpointer data)
{
  Test *t = data;
  GError *error = NULL;

  if (g_source_is_destroyed (t->server_source))
    return G_SOURCE_REMOVE;
  g_source_destroy (t->server_source);
  g_source_unref (t->server_source);
  t->server_source = NULL;

  /* Learn the client's address from the queued datagram without consuming it. */
  GSocketAddress *peer = NULL;
  guint8 byte;
  GInputVector peek_vector = { &byte, 1 };
  GInputMessage peek = { &peer, &peek_vector, 1, 0, 0, NULL, NULL };
  if (g_socket_receive_messages (socket, &peek, 1, G_SOCKET_MSG_PEEK, NULL, &error) != 1)
    fail_setup ("peek", error);
  if (!g_socket_connect (socket, peer, NULL, &error))
    fail_setup ("server g_socket_connect", error);
  g_object_unref (peer);

  char *cert_path = g_build_filename (t->pki_dir, "server.pem", NULL);
  char *key_path = g_build_filename (t->pki_dir, "server-key.pem", NULL);
  GTlsCertificate *cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  if (cert == NULL)
    fail_setup ("server certificate", error);
  g_free (cert_path);
  g_free (key_path);
  t->server_connection = g_dtls_server_connection_new (t->server_transport, cert, &error);
  if (t->server_connection == NULL)
    fail_setup ("g_dtls_server_connection_new", error);
  g_object_unref (cert);
  g_object_set (t->server_connection, "authentication-mode", G_TLS_AUTHENTICATION_NONE, NULL);

  if (t->c->server_should_disappear)
    {
      close_server (t, FALSE);
      return G_SOURCE_REMOVE;
    }

  /* Upstream's one-context server always sends with timeout 0; only the threaded one uses server_timeout. */
  gint64 timeout = t->c->threaded ? t->c->server_timeout : 0;
  GOutputVector vector = { TEST_DATA, TEST_DATA_LENGTH };
  GOutputMessage message = { NULL, &vector, 1, 0, NULL, 0 };
  gint sent;
  do
    {
      g_clear_error (&t->server_error);
      sent = g_datagram_based_send_messages (t->server_connection, &message, 1, G_SOCKET_MSG_NONE, timeout,
                                             NULL, &t->server_error);
      g_main_context_iteration (t->server_context, FALSE);
    }
  while (g_error_matches (t->server_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  if (sent == 1)
    t->server_bytes_sent = message.bytes_sent;

  close_server (t, TRUE);
  return G_SOURCE_REMOVE;
}

static void
watch_server_socket (Test *t)
{
  t->server_source = g_socket_create_source (t->server_socket, G_IO_IN, NULL);
  g_source_set_callback (t->server_source, (GSourceFunc) (void (*) (void)) on_incoming, t, NULL);
  g_source_attach (t->server_source, t->server_context);
}

static gpointer
server_thread (gpointer data)
{
  Test *t = data;
  g_main_context_push_thread_default (t->server_context);
  watch_server_socket (t);
  while (g_atomic_int_get (&t->server_running))
    g_main_context_iteration (t->server_context, TRUE);
  g_main_context_pop_thread_default (t->server_context);
  return NULL;
}

static void
read_test_data (Test *t)
{
  guint8 buf[TEST_DATA_LENGTH * 2];
  GInputVector vectors[2] = { { buf, TEST_DATA_LENGTH }, { buf + TEST_DATA_LENGTH, TEST_DATA_LENGTH } };
  GInputMessage message = { NULL, vectors, 2, 0, 0, NULL, NULL };
  gint n;
  do
    {
      g_clear_error (&t->read_error);
      n = g_datagram_based_receive_messages (t->client_connection, &message, 1, G_SOCKET_MSG_NONE,
                                             t->c->client_timeout, NULL, &t->read_error);
      g_main_context_iteration (t->client_context, FALSE);
    }
  while (g_error_matches (t->read_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  if (n == 1)
    {
      t->bytes_received = (gint64) message.bytes_received;
      t->data_intact = message.bytes_received == TEST_DATA_LENGTH
                       && memcmp (buf, TEST_DATA, TEST_DATA_LENGTH) == 0;
    }
  g_dtls_connection_close (G_DTLS_CONNECTION (t->client_connection), NULL, &t->client_close_error);
}

/* "ok" or the error id, as JSON; null when the step never ran. */
static char *
outcome (gboolean ran, const GError *error)
{
  GString *s = g_string_new (NULL);
  if (!ran)
    g_string_append (s, "null");
  else if (error == NULL)
    json_string (s, "ok");
  else
    {
      char *id = error_id (error);
      json_string (s, id);
      g_free (id);
    }
  return g_string_free (s, FALSE);
}

static void
print_observations (Test *t)
{
  gboolean sent_attempted = t->server_connection != NULL && !t->c->server_should_disappear;
  char *server_send = outcome (sent_attempted, t->server_error);
  char *server_close = outcome (t->server_closed, t->server_close_error);
  char *client_read = outcome (TRUE, t->read_error);
  char *client_close = outcome (TRUE, t->client_close_error);
  gint64 dropped_client = t->c->drop_client_first
      ? gdtls_filter_datagram_dropped (t->client_transport, GDTLS_DATAGRAM_OUT) : 0;
  gint64 dropped_server = t->c->drop_server_first
      ? gdtls_filter_datagram_dropped (t->server_transport, GDTLS_DATAGRAM_OUT) : 0;

  GString *out = g_string_new ("{\"scenario\":");
  json_string (out, t->c->name);
  g_string_append_printf (out, ",\"server_send\":%s,\"server_bytes_sent\":", server_send);
  if (t->server_error == NULL && sent_attempted)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, t->server_bytes_sent);
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"server_close\":%s,\"client_read\":%s,\"bytes_received\":", server_close,
                          client_read);
  if (t->read_error == NULL)
    g_string_append_printf (out, "%" G_GINT64_FORMAT ",\"data_intact\":\"%s\"", t->bytes_received,
                            t->data_intact ? "yes" : "no");
  else
    g_string_append (out, "null,\"data_intact\":null");
  g_string_append_printf (out, ",\"client_close\":%s,\"dropped_client_out\":%" G_GINT64_FORMAT
                          ",\"dropped_server_out\":%" G_GINT64_FORMAT "}",
                          client_close, dropped_client, dropped_server);
  puts (out->str);
  fflush (stdout);
  g_string_free (out, TRUE);
  g_free (server_send);
  g_free (server_close);
  g_free (client_read);
  g_free (client_close);
}

int
run_glib_networking_case (const char *pki_dir, const char *name)
{
  const Case *c = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    if (g_str_equal (cases[i].name, name))
      c = &cases[i];
  if (c == NULL)
    return 2;

  Test t = { 0 };
  GError *error = NULL;
  t.c = c;
  t.pki_dir = pki_dir;
  t.client_context = g_main_context_default ();
  t.server_context = c->threaded ? g_main_context_new () : g_main_context_ref (t.client_context);

  start_server (&t);
  GThread *thread = NULL;
  if (c->threaded)
    thread = g_thread_new ("dtls-server", server_thread, &t);
  else
    watch_server_socket (&t);

  GSocket *client_socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                                         &error);
  if (client_socket == NULL || !g_socket_connect (client_socket, t.address, NULL, &error))
    fail_setup ("client socket", error);
  t.client_transport = transport_over (client_socket, c->drop_client_first);
  g_object_unref (client_socket);
  t.client_connection = g_dtls_client_connection_new (t.client_transport, t.identity, &error);
  if (t.client_connection == NULL)
    fail_setup ("g_dtls_client_connection_new", error);
  /* No validation at all, as upstream. */
  g_dtls_client_connection_set_validation_flags (G_DTLS_CLIENT_CONNECTION (t.client_connection), 0);

  read_test_data (&t);

  /* Teardown: the server finishes on its own (about 10 s at most, as upstream's WAIT_UNTIL_UNSET). */
  for (int i = 0; i < 13 && g_atomic_int_get (&t.server_running); i++)
    {
      g_usleep (1000 * (1 << i));
      g_main_context_iteration (t.client_context, FALSE);
    }
  if (g_atomic_int_get (&t.server_running))
    fail_setup ("the server did not finish", NULL);
  if (thread != NULL)
    {
      g_main_context_wakeup (t.server_context);
      g_thread_join (thread);
    }

  print_observations (&t);

  if (t.server_source != NULL)
    {
      g_source_destroy (t.server_source);
      g_source_unref (t.server_source);
    }
  g_clear_object (&t.server_connection);
  g_clear_object (&t.client_connection);
  g_clear_object (&t.server_transport);
  g_clear_object (&t.client_transport);
  g_socket_close (t.server_socket, NULL);
  g_clear_object (&t.server_socket);
  g_clear_object (&t.address);
  g_clear_object (&t.identity);
  g_main_context_unref (t.server_context);
  g_clear_error (&t.server_error);
  g_clear_error (&t.server_close_error);
  g_clear_error (&t.read_error);
  g_clear_error (&t.client_close_error);
  return 0;
}
