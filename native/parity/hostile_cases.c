/*
 * hostile/<kind>/<phase>: forged datagrams reach a DTLS server from its peer's address, on plain libgio. The
 * Java side (src/test/java/org/gdtls/HostileScenario.java) does the same through the binding; keep the two in
 * step: same bytes, same injection points, same observations under the same keys.
 *
 * Transport: three UDP sockets on 127.0.0.1. The client's and the server's sockets are both connected to a relay
 * socket, which forwards client -> server and server -> client. A connected socket only hears its peer, so the
 * relay is where a forger must stand: it injects datagrams into the server's socket from the address the server
 * is connected to. Injection points (each a fixed place in the server's receive queue, not a moment in time):
 *   before  before the relay forwards anything: the forged datagrams are queued ahead of the ClientHello
 *   during  right after the relay forwarded the client's first datagram (the ClientHello), so they are queued
 *           ahead of the client's second flight
 *   after   right after the relay forwarded the client's first application-data record ("first"), so they are
 *           queued between it and the client's next message ("second")
 *
 * Kinds (same bytes in C and Java: a xorshift32 stream from SEED, see forge()):
 *   random        8 datagrams of 1..200 random bytes
 *   record        8 DTLS 1.2 records: valid header, content type 20..23, epoch 0..2, random 48-bit sequence
 *                 number, 1..64 random body bytes
 *   truncated     a record header claiming 1000 body bytes followed by 20; and the first 7 bytes of a header
 *   oversize      application-data records (epoch 1, random body) of 65000 bytes and of 1401 (the backend's
 *                 MTU is 1400)
 *   replay-hello  the client's ClientHello as captured by the relay, sent once more (during, after)
 *   replay-data   the client's first application-data record as captured, sent once more (after)
 *   ccs           an epoch-0 ChangeCipherSpec, sequence number 8
 *   alert-fatal   an epoch-0 alert, fatal handshake_failure (2, 40), sequence number 8
 *   alert-warning an epoch-0 alert, warning close_notify (1, 0), sequence number 8
 *   empty         one datagram of 0 bytes
 *
 * The handshakes are implicit, so that a timeout bounds them: each side's first I/O is a send with a timeout of
 * IO_TIMEOUT_US (the server's "hello" on a thread, the client's "first"), and glib-networking hands that timeout
 * to GnuTLS as the handshake's total. Its result is the side's handshake result. Nothing is ever cancelled: on
 * GLib 2.74, cancelling a handshake from another thread races with glib-networking's teardown of the private
 * context it polls in, a use-after-free (valgrind: g_source_set_ready_time on the freed GMainContext, called
 * from g_cancellable_cancel) that crashed this runner 3 times in about 1500 runs.
 * After both handshakes succeeded the client sends "second"; the server receives until "second" (or an error, an
 * end of stream, or 8 messages), then, if "second" did not arrive, once more ("server_then": does the session
 * still deliver after the failure?), then sends "reply"; the client receives until "reply". "error_messages"
 * holds the GError message of each field that recorded an error ("field: message; ..."), or "none".
 */
#include "hostile_cases.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity_criticals.h"
#include "parity_json.h"

#define SEED 0x2545F491u
#define FORGED_SEQ 8
#define RELAY_BUF_LEN 65536
/* The timeout of every send and receive, so also the bound of each handshake: between the client's first resend
 * (1 s) and its second (3 s), so a handshake that recovers through one resend ends inside it and one that needs
 * a second never does. GnuTLS checks it when a resend is due, so a stalled side gives up 2 to 3.5 s after the
 * start. On loopback a message that is coming at all arrives well within it. */
#define IO_TIMEOUT_US 2000000
#define MAX_MESSAGES 8

typedef enum { PHASE_BEFORE, PHASE_DURING, PHASE_AFTER } Phase;

typedef enum {
  KIND_RANDOM, KIND_RECORD, KIND_TRUNCATED, KIND_OVERSIZE, KIND_REPLAY_HELLO, KIND_REPLAY_DATA,
  KIND_CCS, KIND_ALERT_FATAL, KIND_ALERT_WARNING, KIND_EMPTY,
} Kind;

static const struct { const char *name; Kind kind; Phase first_phase; } kinds[] = {
  { "random", KIND_RANDOM, PHASE_BEFORE },
  { "record", KIND_RECORD, PHASE_BEFORE },
  { "truncated", KIND_TRUNCATED, PHASE_BEFORE },
  { "oversize", KIND_OVERSIZE, PHASE_BEFORE },
  { "replay-hello", KIND_REPLAY_HELLO, PHASE_DURING },  /* nothing to replay before the ClientHello */
  { "replay-data", KIND_REPLAY_DATA, PHASE_AFTER },     /* nor before the first application data */
  { "ccs", KIND_CCS, PHASE_BEFORE },
  { "alert-fatal", KIND_ALERT_FATAL, PHASE_BEFORE },
  { "alert-warning", KIND_ALERT_WARNING, PHASE_BEFORE },
  { "empty", KIND_EMPTY, PHASE_BEFORE },
};
static const char *const phases[] = { "before", "during", "after" };

/* ---------- forged datagrams ---------- */

static guint32
rng_next (guint32 *x)
{
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

static guint32
rng_range (guint32 *x, guint32 lo, guint32 hi)
{
  return lo + rng_next (x) % (hi - lo + 1);
}

static void
rng_fill (guint32 *x, guint8 *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (guint8) rng_next (x);
}

/* A DTLS 1.2 record header (RFC 6347 4.1). */
static void
put_header (guint8 *p, guint8 type, guint16 epoch, guint64 seq, guint16 length)
{
  p[0] = type;
  p[1] = 0xfe;
  p[2] = 0xfd;
  p[3] = (guint8) (epoch >> 8);
  p[4] = (guint8) epoch;
  for (int i = 0; i < 6; i++)
    p[5 + i] = (guint8) (seq >> (8 * (5 - i)));
  p[11] = (guint8) (length >> 8);
  p[12] = (guint8) length;
}

static GByteArray *
datagram (GPtrArray *out, gsize len)
{
  GByteArray *d = g_byte_array_sized_new ((guint) len);
  g_byte_array_set_size (d, (guint) len);
  g_ptr_array_add (out, d);
  return d;
}

/* A record of `type` at epoch 0 with sequence number FORGED_SEQ and this body. */
static void
epoch0_record (GPtrArray *out, guint8 type, const guint8 *body, guint16 len)
{
  GByteArray *d = datagram (out, 13 + len);
  put_header (d->data, type, 0, FORGED_SEQ, len);
  memcpy (d->data + 13, body, len);
}

/* The generated kinds' datagrams, in sending order (the replay kinds are captured by the relay instead). */
static GPtrArray *
forge (Kind kind)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  guint32 x = SEED;
  switch (kind)
    {
    case KIND_RANDOM:
      for (int i = 0; i < 8; i++)
        {
          GByteArray *d = datagram (out, rng_range (&x, 1, 200));
          rng_fill (&x, d->data, d->len);
        }
      break;
    case KIND_RECORD:
      for (int i = 0; i < 8; i++)
        {
          guint8 type = (guint8) (20 + rng_next (&x) % 4);
          guint16 epoch = (guint16) (rng_next (&x) % 3);
          guint64 seq = (guint64) (rng_next (&x) & 0xffff) << 32;
          seq |= rng_next (&x);
          guint16 len = (guint16) rng_range (&x, 1, 64);
          GByteArray *d = datagram (out, 13 + len);
          put_header (d->data, type, epoch, seq, len);
          rng_fill (&x, d->data + 13, len);
        }
      break;
    case KIND_TRUNCATED:
      {
        GByteArray *d = datagram (out, 13 + 20);
        put_header (d->data, 22, 0, FORGED_SEQ, 1000);
        rng_fill (&x, d->data + 13, 20);
        GByteArray *cut = datagram (out, 7);
        guint8 header[13];
        put_header (header, 22, 0, FORGED_SEQ + 1, 100);
        memcpy (cut->data, header, 7);
      }
      break;
    case KIND_OVERSIZE:
      {
        static const guint sizes[] = { 65000, 1401 };
        for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
          {
            GByteArray *d = datagram (out, sizes[i]);
            put_header (d->data, 23, 1, 0x10000 + i, (guint16) (sizes[i] - 13));
            rng_fill (&x, d->data + 13, sizes[i] - 13);
          }
      }
      break;
    case KIND_CCS:
      epoch0_record (out, 20, (const guint8[]) { 1 }, 1);
      break;
    case KIND_ALERT_FATAL:
      epoch0_record (out, 21, (const guint8[]) { 2, 40 }, 2);
      break;
    case KIND_ALERT_WARNING:
      epoch0_record (out, 21, (const guint8[]) { 1, 0 }, 2);
      break;
    case KIND_EMPTY:
      datagram (out, 0);
      break;
    case KIND_REPLAY_HELLO:
    case KIND_REPLAY_DATA:
      break;
    }
  return out;
}

/* ---------- the relay ---------- */

typedef struct {
  Kind kind;
  Phase phase;
  GSocket *sock;                  /* bound, unconnected */
  GSocketAddress *client;         /* where the client's socket is bound */
  GSocketAddress *server;
  GCancellable *stop;
  GThread *thread;
  GByteArray *hello;              /* the client's first datagram */
  GByteArray *first_data;         /* the client's first application-data record */
  char *injected;                 /* what was injected, as JSON; NULL until then */
} Relay;

static void
die (const char *what, GError *error)
{
  fprintf (stderr, "gdtls-parity-c: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

static gboolean
same_port (GSocketAddress *a, GSocketAddress *b)
{
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (a))
    == g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (b));
}

/* Sends the kind's datagrams to the server and records them: "<n> datagram(s), <bytes> bytes, <digest>", the
 * digest being the FNV-1a 32 of all bytes for generated kinds and "replayed" for captured ones (those differ
 * between runs). */
static void
inject (Relay *r)
{
  GPtrArray *forged = forge (r->kind);
  GByteArray *captured = r->kind == KIND_REPLAY_HELLO ? r->hello : r->kind == KIND_REPLAY_DATA ? r->first_data : NULL;
  if (captured != NULL)
    g_ptr_array_add (forged, g_byte_array_ref (captured));
  guint32 fnv = 2166136261u;
  gsize total = 0;
  for (guint i = 0; i < forged->len; i++)
    {
      GByteArray *d = g_ptr_array_index (forged, i);
      GError *error = NULL;
      if (g_socket_send_to (r->sock, r->server, (const gchar *) d->data, d->len, NULL, &error) != (gssize) d->len)
        die ("relay: injecting", error);
      for (guint j = 0; j < d->len; j++)
        fnv = (fnv ^ d->data[j]) * 16777619u;
      total += d->len;
    }
  char *digest = captured != NULL ? g_strdup ("replayed") : g_strdup_printf ("fnv1a %08x", fnv);
  char *text = g_strdup_printf ("%u datagram%s, %" G_GSIZE_FORMAT " bytes, %s", forged->len,
                                forged->len == 1 ? "" : "s", total, digest);
  GString *s = g_string_new (NULL);
  json_string (s, text);
  r->injected = g_string_free (s, FALSE);
  g_free (text);
  g_free (digest);
  g_ptr_array_unref (forged);
}

static gpointer
relay_thread (gpointer data)
{
  Relay *r = data;
  guint8 *buf = g_malloc (RELAY_BUF_LEN);
  for (;;)
    {
      GSocketAddress *from = NULL;
      GError *error = NULL;
      gssize n = g_socket_receive_from (r->sock, &from, (gchar *) buf, RELAY_BUF_LEN, r->stop, &error);
      if (n < 0)
        {
          gboolean stopped = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          if (!stopped)
            die ("relay: receiving", error);
          g_clear_error (&error);
          break;
        }
      gboolean from_client = same_port (from, r->client);
      if (from_client || same_port (from, r->server))
        {
          if (g_socket_send_to (r->sock, from_client ? r->server : r->client, (const gchar *) buf, n, NULL,
                                &error) != n)
            die ("relay: forwarding", error);
        }
      g_object_unref (from);
      if (!from_client || r->injected != NULL)
        continue;
      if (r->hello == NULL)
        {
          r->hello = g_byte_array_new ();
          g_byte_array_append (r->hello, buf, (guint) n);
          if (r->phase == PHASE_DURING)
            inject (r);
        }
      else if (r->first_data == NULL && n > 0 && buf[0] == 23)
        {
          r->first_data = g_byte_array_new ();
          g_byte_array_append (r->first_data, buf, (guint) n);
          if (r->phase == PHASE_AFTER)
            inject (r);
        }
    }
  g_free (buf);
  return NULL;
}

static GSocket *
bound_socket (void)
{
  GError *error = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (sock == NULL)
    die ("g_socket_new", error);
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (sock, addr, FALSE, &error))
    die ("g_socket_bind", error);
  g_object_unref (addr);
  g_object_unref (loopback);
  return sock;
}

static GSocketAddress *
local_address (GSocket *sock)
{
  GError *error = NULL;
  GSocketAddress *addr = g_socket_get_local_address (sock, &error);
  if (addr == NULL)
    die ("g_socket_get_local_address", error);
  return addr;
}

static void
connect_to (GSocket *sock, GSocketAddress *peer)
{
  GError *error = NULL;
  if (!g_socket_connect (sock, peer, NULL, &error))
    die ("g_socket_connect", error);
}

/* ---------- the scenario ---------- */


static gboolean
parse_name (const char *name, Kind *kind, Phase *phase)
{
  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (Phase p = kinds[k].first_phase; p <= PHASE_AFTER; p++)
      {
        char *full = g_strdup_printf ("hostile/%s/%s", kinds[k].name, phases[p]);
        gboolean match = g_str_equal (name, full);
        g_free (full);
        if (match)
          {
            *kind = kinds[k].kind;
            *phase = p;
            return TRUE;
          }
      }
  return FALSE;
}

typedef struct {
  GDatagramBased *conn;
  char *handshake;          /* JSON: the result of the side's first send, which ran the implicit handshake */
  char *handshake_message;  /* its GError's message, or NULL */
} Side;

/* Sends `text` within IO_TIMEOUT_US; returns the JSON result, "ok" or the error id, and puts the error's message
 * (or NULL) into *message. */
static char *
send_text (Side *side, const char *text, char **message)
{
  GError *error = NULL;
  GOutputVector vec = { text, strlen (text) };
  GOutputMessage msg = { NULL, &vec, 1, 0, NULL, 0 };
  gint n = g_datagram_based_send_messages (side->conn, &msg, 1, 0, IO_TIMEOUT_US, NULL, &error);
  GString *s = g_string_new (NULL);
  char *id = n < 0 ? error_id (error) : NULL;
  json_string (s, n < 0 ? id : "ok");
  g_free (id);
  *message = n < 0 ? g_strdup (error->message) : NULL;
  g_clear_error (&error);
  return g_string_free (s, FALSE);
}

static gpointer
server_first_send (gpointer data)
{
  Side *server = data;
  server->handshake = send_text (server, "hello", &server->handshake_message);
  return NULL;
}

/*
 * One receive within IO_TIMEOUT_US. Appends to `seen` what it got: the message's text if it is one of `expected`
 * (NULL-terminated), another message as "other:<length>", the end of the stream as "eof", an error as its id (its
 * message into *message). Returns the expected text that arrived, "" for another message, NULL for none.
 */
static const char *
receive_one (Side *side, const char *const *expected, GString *seen, char **message)
{
  guint8 buf[2048];
  GError *error = NULL;
  GInputVector vec = { buf, sizeof buf };
  GInputMessage msg = { NULL, &vec, 1, 0, 0, NULL, NULL };
  gint n = g_datagram_based_receive_messages (side->conn, &msg, 1, 0, IO_TIMEOUT_US, NULL, &error);
  if (seen->len > 0)
    g_string_append_c (seen, ',');
  if (n <= 0)
    {
      char *id = n < 0 ? error_id (error) : g_strdup ("eof");
      g_string_append (seen, id);
      g_free (id);
      if (n < 0)
        *message = g_strdup (error->message);
      g_clear_error (&error);
      return NULL;
    }
  for (gsize e = 0; expected[e] != NULL; e++)
    if (msg.bytes_received == strlen (expected[e]) && memcmp (buf, expected[e], msg.bytes_received) == 0)
      {
        g_string_append (seen, expected[e]);
        return expected[e];
      }
  g_string_append_printf (seen, "other:%" G_GSIZE_FORMAT, msg.bytes_received);
  return "";
}

/* `seen` as JSON; frees it. */
static char *
json_take (GString *seen)
{
  GString *s = g_string_new (NULL);
  json_string (s, seen->str);
  g_string_free (seen, TRUE);
  return g_string_free (s, FALSE);
}

/*
 * Receives until the messages `expected` (NULL-terminated) have all arrived in order, or an error or the end of
 * the stream (appended as its error id or "eof", the error's message into *message), or MAX_MESSAGES. Returns
 * what arrived as JSON, e.g. "first,second", a message that is none of `expected` as "other:<length>"; counts the
 * messages and those that were not the next expected one; *complete says whether all of `expected` arrived.
 */
static char *
receive_all (Side *side, const char *const *expected, int *delivered, int *unexpected, char **message,
             gboolean *complete)
{
  GString *seen = g_string_new (NULL);
  gsize next = 0;
  for (int i = 0; i < MAX_MESSAGES && expected[next] != NULL; i++)
    {
      const char *known = receive_one (side, expected, seen, message);
      if (known == NULL)
        break;
      (*delivered)++;
      if (known == expected[next])
        next++;
      else
        (*unexpected)++;
    }
  *complete = expected[next] == NULL;
  return json_take (seen);
}

/* Appends "field: message" to `messages` (separated by "; ") if `message` is not NULL. */
static void
add_message (GString *messages, const char *field, const char *message)
{
  if (message == NULL)
    return;
  if (messages->len > 0)
    g_string_append (messages, "; ");
  g_string_append_printf (messages, "%s: %s", field, message);
}

int
run_hostile_case (const char *pki_dir, const char *name)
{
  Kind kind;
  Phase phase;
  if (!parse_name (name, &kind, &phase))
    return 2;
  parity_count_criticals ();
  GError *error = NULL;

  GSocket *server_sock = bound_socket (), *client_sock = bound_socket ();
  Relay relay = { .kind = kind, .phase = phase, .sock = bound_socket () };
  relay.client = local_address (client_sock);
  relay.server = local_address (server_sock);
  relay.stop = g_cancellable_new ();  /* only for the relay's plain socket receive */
  GSocketAddress *relay_addr = local_address (relay.sock);
  connect_to (server_sock, relay_addr);
  connect_to (client_sock, relay_addr);
  g_object_unref (relay_addr);

  char *cert_path = g_build_filename (pki_dir, "server.pem", NULL);
  char *key_path = g_build_filename (pki_dir, "server-key.pem", NULL);
  char *ca_path = g_build_filename (pki_dir, "ca.pem", NULL);
  GTlsCertificate *cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  if (cert == NULL)
    die ("server certificate", error);
  Side server = { 0 }, client = { 0 };
  server.conn = g_dtls_server_connection_new (G_DATAGRAM_BASED (server_sock), cert, &error);
  if (server.conn == NULL)
    die ("g_dtls_server_connection_new", error);
  GSocketConnectable *identity = g_network_address_new ("server.example.com", 0);
  client.conn = g_dtls_client_connection_new (G_DATAGRAM_BASED (client_sock), identity, &error);
  if (client.conn == NULL)
    die ("g_dtls_client_connection_new", error);
  GTlsDatabase *db = g_tls_file_database_new (ca_path, &error);
  if (db == NULL)
    die ("g_tls_file_database_new", error);
  g_dtls_connection_set_database (G_DTLS_CONNECTION (client.conn), db);

  if (phase == PHASE_BEFORE)
    inject (&relay);
  relay.thread = g_thread_new ("relay", relay_thread, &relay);

  GThread *server_thread = g_thread_new ("server-first-send", server_first_send, &server);
  client.handshake = send_text (&client, "first", &client.handshake_message);
  g_thread_join (server_thread);

  /* Every observation defaults to JSON null. */
  char *server_received = NULL, *delivered = NULL, *unexpected = NULL, *server_then = NULL, *reply_send = NULL;
  char *client_received = NULL;
  char *received_message = NULL, *then_message = NULL, *reply_message = NULL, *client_message = NULL;
  if (g_str_equal (client.handshake, "\"ok\"") && g_str_equal (server.handshake, "\"ok\""))
    {
      static const char *const server_expects[] = { "first", "second", NULL };
      static const char *const client_expects[] = { "hello", "reply", NULL };
      int n_delivered = 0, n_unexpected = 0, ignored = 0;
      gboolean complete;
      char *second_message = NULL;
      /* never fails over an established session; what arrives counts */
      g_free (send_text (&client, "second", &second_message));
      g_free (second_message);
      server_received = receive_all (&server, server_expects, &n_delivered, &n_unexpected, &received_message,
                                     &complete);
      delivered = g_strdup_printf ("%d", n_delivered);
      unexpected = g_strdup_printf ("%d", n_unexpected);
      if (!complete)  /* does the session still deliver after that? */
        {
          GString *then = g_string_new (NULL);
          receive_one (&server, server_expects, then, &then_message);
          server_then = json_take (then);
        }
      /* The other direction, whatever the server received. */
      reply_send = send_text (&server, "reply", &reply_message);
      client_received = receive_all (&client, client_expects, &ignored, &ignored, &client_message, &complete);
    }
  GString *messages = g_string_new (NULL);
  add_message (messages, "client_handshake", client.handshake_message);
  add_message (messages, "server_handshake", server.handshake_message);
  add_message (messages, "server_received", received_message);
  add_message (messages, "server_then", then_message);
  add_message (messages, "reply_send", reply_message);
  add_message (messages, "client_received", client_message);
  GString *messages_json = g_string_new (NULL);
  json_string (messages_json, messages->len > 0 ? messages->str : "none");
  g_string_free (messages, TRUE);

  g_cancellable_cancel (relay.stop);
  g_thread_join (relay.thread);

  GString *out = g_string_new ("{\"scenario\":");
  json_string (out, name);
  g_string_append_printf (out,
                          ",\"injected\":%s,\"client_handshake\":%s,\"server_handshake\":%s"
                          ",\"server_received\":%s,\"delivered\":%s,\"unexpected_delivered\":%s"
                          ",\"server_then\":%s,\"reply_send\":%s,\"client_received\":%s"
                          ",\"error_messages\":%s,\"glib_criticals\":%d}",
                          relay.injected ? relay.injected : "\"none\"", client.handshake, server.handshake,
                          server_received ? server_received : "null", delivered ? delivered : "null",
                          unexpected ? unexpected : "null", server_then ? server_then : "null",
                          reply_send ? reply_send : "null", client_received ? client_received : "null",
                          messages_json->str, parity_criticals ());
  puts (out->str);
  fflush (stdout);
  g_string_free (out, TRUE);

  /* Errors on close are not part of the observation. */
  g_dtls_connection_close (G_DTLS_CONNECTION (client.conn), NULL, NULL);
  g_dtls_connection_close (G_DTLS_CONNECTION (server.conn), NULL, NULL);

  g_free (server_received); g_free (delivered); g_free (unexpected); g_free (server_then); g_free (reply_send);
  g_free (client_received);
  g_free (received_message); g_free (then_message); g_free (reply_message); g_free (client_message);
  g_string_free (messages_json, TRUE);
  g_free (client.handshake); g_free (server.handshake);
  g_free (client.handshake_message); g_free (server.handshake_message);
  g_free (relay.injected);
  g_clear_pointer (&relay.hello, g_byte_array_unref);
  g_clear_pointer (&relay.first_data, g_byte_array_unref);
  g_object_unref (relay.client);
  g_object_unref (relay.server);
  g_object_unref (relay.stop);
  g_object_unref (relay.sock);
  g_object_unref (server.conn);
  g_object_unref (client.conn);
  g_object_unref (server_sock);
  g_object_unref (client_sock);
  g_object_unref (db);
  g_object_unref (identity);
  g_object_unref (cert);
  g_free (cert_path); g_free (key_path); g_free (ca_path);
  return 0;
}
