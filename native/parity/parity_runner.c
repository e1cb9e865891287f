/*
 * gdtls-parity-c: runs one DTLS scenario directly on libgio and prints one
 * line of JSON describing what happened.  The Java test suite runs the same
 * scenario through the gdtls-java binding and compares the two lines, so the
 * setup here must stay step-for-step identical to the Java side.
 *
 * Usage: gdtls-parity-c PKI_DIR SCENARIO
 *
 * Scenarios named connection/... are glib-networking's own DTLS test cases (glib_networking_cases.c);
 * hostile/... inject forged datagrams through a relay (hostile_cases.c); database/... run GTlsDatabase's operations
 * on every certificate of the test PKI (database_cases.c); the others run a client and a server over two connected loopback sockets (this file).
 *
 * Handshake failures are observations, not errors: the program exits 0
 * whenever the scenario was recognised (2 for an unknown scenario, 1 for a
 * setup failure such as unreadable PKI files).
 */
#include <gio/gio.h>

#include "database_cases.h"
#include "gdtls_filter.h"
#include "glib_networking_cases.h"
#include "hostile_cases.h"
#include "parity_criticals.h"
#include "parity_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE "0123456789abcdefghijklmn" /* 24 bytes */
#define OVERSIZE_LEN 2000
#define RECV_BUF_LEN 2048
#define SERVER_RECV_TIMEOUT_US 5000000
#define CLIENT_READ_TIMEOUT_US 500000

/* What the client does after the first message went through. */
typedef enum {
  END_NONE,
  END_CLOSE,           /* close/notify...: g_dtls_connection_close (sends close_notify) */
  END_SHUTDOWN_WRITE,  /* shutdown/write */
  END_SHUTDOWN_READ,   /* shutdown/read */
  END_UNCLEAN,         /* close/unclean...: the client's socket is closed, no DTLS close */
} Ending;

/* cancel/... scenarios: the server never handshakes; the client's handshake (or read) is cancelled. */
typedef enum {
  CANCEL_NONE,
  CANCEL_BEFORE,       /* cancel/before: the cancellable is cancelled before the handshake starts */
  CANCEL_HANDSHAKE,    /* cancel/handshake: cancelled from another thread while the handshake waits */
  CANCEL_RECEIVE,      /* cancel/receive: after the handshake, a blocking receive is cancelled */
} Cancelling;

/* handshake/...: after the first handshake ended, the client handshakes again (bounded by a cancel). */
typedef enum {
  AGAIN_NONE,
  AGAIN_AFTER_SUCCESS, /* handshake/again: both handshakes succeeded; the server does not read meanwhile */
  AGAIN_AFTER_CANCEL,  /* handshake/again-after-cancel: cancel/handshake, then a second client handshake */
} Again;

#define CANCEL_AFTER_MS 300
#define PEER_SILENCE_US 500000  /* how long the server listens after an unclean close */

/* What a scenario changes relative to the "basic" defaults. */
typedef struct {
  const char *server_cert;          /* file name inside PKI_DIR */
  const char *server_key;
  const char *const *client_alpn;   /* NULL: do not advertise */
  const char *const *server_alpn;
  gboolean client_accepts;          /* client's accept-certificate verdict (validation/x/accept) */
  GTlsAuthenticationMode auth_mode;
  gboolean client_sends_cert;
  gboolean server_has_accept_handler;
  gboolean read_timeout;            /* "read/timeout" */
  gboolean oversize;                /* "oversize" */
  Ending ending;                    /* what the client does after the first exchange */
  gboolean server_no_close_notify;  /* server: require-close-notify FALSE ("close/.../not-required") */
  Cancelling cancelling;            /* cancel/...: the client handshake alone, cancelled */
  Again again;                      /* handshake/...: a second client handshake */
  gboolean client_unconnected;      /* transport/unconnected: the client's socket has no peer */
  const char *ip_identity;          /* sni/ip-identity: the client's server identity is this IP address */
  gboolean sni;                     /* sni/...: the server only reads the ClientHello's server_name */
  gboolean server_ca_database;      /* java-database/...: the server validates against ca.pem too */
} Scenario;

/* One endpoint of the connection. */
typedef struct {
  GSocket *sock;
  GDatagramBased *conn;
  GCancellable *cancel;
  GError *hs_error;                 /* NULL after a successful handshake */
  gboolean hs_ok;
  gboolean hs_skipped;              /* never handshaked (cancel/...: the server stays silent) */
} Side;

/* Shared by the server thread so it can cancel the client on failure. */
typedef struct {
  Side *server;
  Side *client;
} Pair;

/* accept-certificate emissions of the client, as flag values. */
static GMutex accept_lock;
static GArray *accept_flags;


/* ---------- scenario table ---------- */

static const char *const alpn_coap_h3[] = { "coap", "h3", NULL };
static const char *const alpn_coap[] = { "coap", NULL };
static const char *const alpn_h3[] = { "h3", NULL };

static gboolean
parse_scenario (const char *name, Scenario *sc)
{
  memset (sc, 0, sizeof *sc);
  sc->server_cert = "server.pem";
  sc->server_key = "server-key.pem";
  sc->auth_mode = G_TLS_AUTHENTICATION_NONE;

  if (g_str_equal (name, "basic"))
    return TRUE;
  if (g_str_equal (name, "alpn/agree"))
    {
      sc->client_alpn = alpn_coap_h3;
      sc->server_alpn = alpn_h3;
      return TRUE;
    }
  if (g_str_equal (name, "alpn/disagree"))
    {
      sc->client_alpn = alpn_coap;
      sc->server_alpn = alpn_h3;
      return TRUE;
    }
  if (g_str_has_prefix (name, "validation/"))
    {
      static const struct { const char *x, *cert, *key; } certs[] = {
        { "unknown-ca", "untrusted-server.pem", "untrusted-server-key.pem" },
        { "expired", "expired.pem", "expired-key.pem" },
        { "not-yet-valid", "not-yet-valid.pem", "not-yet-valid-key.pem" },
        { "wrong-host", "wrong-host.pem", "wrong-host-key.pem" },
      };
      for (gsize i = 0; i < G_N_ELEMENTS (certs); i++)
        for (int accept = 0; accept < 2; accept++)
          {
            char *full = g_strdup_printf ("validation/%s/%s", certs[i].x,
                                          accept ? "accept" : "reject");
            gboolean match = g_str_equal (name, full);
            g_free (full);
            if (match)
              {
                sc->server_cert = certs[i].cert;
                sc->server_key = certs[i].key;
                sc->client_accepts = accept;
                return TRUE;
              }
          }
      return FALSE;
    }
  if (g_str_equal (name, "auth/requested-nocert"))
    {
      sc->auth_mode = G_TLS_AUTHENTICATION_REQUESTED;
      return TRUE;
    }
  if (g_str_equal (name, "auth/required-nocert"))
    {
      sc->auth_mode = G_TLS_AUTHENTICATION_REQUIRED;
      return TRUE;
    }
  if (g_str_equal (name, "auth/required-cert"))
    {
      sc->auth_mode = G_TLS_AUTHENTICATION_REQUIRED;
      sc->client_sends_cert = TRUE;
      /* glib-networking rejects client certificates unless the server has a
       * handler (its database cannot verify them as server certificates). */
      sc->server_has_accept_handler = TRUE;
      return TRUE;
    }
  if (g_str_equal (name, "read/timeout"))
    {
      sc->read_timeout = TRUE;
      return TRUE;
    }
  if (g_str_equal (name, "oversize"))
    {
      sc->oversize = TRUE;
      return TRUE;
    }
  static const struct { const char *name; Ending ending; gboolean not_required; } endings[] = {
    { "close/notify", END_CLOSE, FALSE },
    { "close/notify/not-required", END_CLOSE, TRUE },
    { "close/unclean", END_UNCLEAN, FALSE },
    { "close/unclean/not-required", END_UNCLEAN, TRUE },
    { "shutdown/write", END_SHUTDOWN_WRITE, FALSE },
    { "shutdown/read", END_SHUTDOWN_READ, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (endings); i++)
    if (g_str_equal (name, endings[i].name))
      {
        sc->ending = endings[i].ending;
        sc->server_no_close_notify = endings[i].not_required;
        return TRUE;
      }
  static const struct { const char *name; Cancelling how; } cancels[] = {
    { "cancel/before", CANCEL_BEFORE },
    { "cancel/handshake", CANCEL_HANDSHAKE },
    { "cancel/receive", CANCEL_RECEIVE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cancels); i++)
    if (g_str_equal (name, cancels[i].name))
      {
        sc->cancelling = cancels[i].how;
        return TRUE;
      }
  if (g_str_equal (name, "handshake/again"))
    {
      sc->again = AGAIN_AFTER_SUCCESS;
      return TRUE;
    }
  if (g_str_equal (name, "handshake/again-after-cancel"))
    {
      sc->cancelling = CANCEL_HANDSHAKE;
      sc->again = AGAIN_AFTER_CANCEL;
      return TRUE;
    }
  if (g_str_equal (name, "sni/dns-identity") || g_str_equal (name, "sni/ip-identity"))
    {
      sc->sni = TRUE;
      sc->ip_identity = g_str_equal (name, "sni/ip-identity") ? "127.0.0.1" : NULL;
      return TRUE;
    }
  if (g_str_equal (name, "transport/unconnected"))
    {
      sc->client_unconnected = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* ---------- signal handlers ---------- */

static gboolean
on_client_accept_certificate (GDtlsConnection *conn, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer user_data)
{
  (void) conn;
  (void) cert;
  const Scenario *sc = user_data;
  int flags = (int) errors;

  /* glib-networking may emit from its handshake worker thread. */
  g_mutex_lock (&accept_lock);
  g_array_append_val (accept_flags, flags);
  g_mutex_unlock (&accept_lock);
  return sc->client_accepts;
}

static gboolean
on_server_accept_certificate (GDtlsConnection *conn, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer user_data)
{
  (void) conn;
  (void) cert;
  (void) errors;
  (void) user_data;
  return TRUE;
}

/* ---------- setup steps ---------- */

static void
die_on_error (const char *what, GError *error)
{
  if (error != NULL)
    {
      fprintf (stderr, "gdtls-parity-c: %s: %s\n", what, error->message);
      exit (1);
    }
}

static char *
pki_path (const char *pki_dir, const char *file)
{
  /* Absolute: GTlsFileDatabase silently trusts nothing for relative paths. */
  char *abs_dir = g_canonicalize_filename (pki_dir, NULL);
  char *path = g_build_filename (abs_dir, file, NULL);
  g_free (abs_dir);
  return path;
}

static GSocket *
bound_udp_socket (void)
{
  GError *error = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                G_SOCKET_PROTOCOL_UDP, &error);
  die_on_error ("g_socket_new", error);

  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (sock, addr, FALSE, &error);
  die_on_error ("g_socket_bind", error);
  g_object_unref (addr);
  g_object_unref (loopback);
  return sock;
}

/* Connect each socket to the other's local address so both ends are plain
 * connected datagram sockets. */
static void
connect_sockets (GSocket *a, GSocket *b)
{
  GError *error = NULL;
  GSocketAddress *a_addr = g_socket_get_local_address (a, &error);
  die_on_error ("g_socket_get_local_address", error);
  GSocketAddress *b_addr = g_socket_get_local_address (b, &error);
  die_on_error ("g_socket_get_local_address", error);

  g_socket_connect (a, b_addr, NULL, &error);
  die_on_error ("g_socket_connect", error);
  g_socket_connect (b, a_addr, NULL, &error);
  die_on_error ("g_socket_connect", error);
  g_object_unref (a_addr);
  g_object_unref (b_addr);
}

static void
setup_server (Side *server, const Scenario *sc, const char *pki_dir)
{
  GError *error = NULL;
  char *cert_path = pki_path (pki_dir, sc->server_cert);
  char *key_path = pki_path (pki_dir, sc->server_key);
  GTlsCertificate *cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  die_on_error ("server certificate", error);
  g_free (cert_path);
  g_free (key_path);

  server->conn = g_dtls_server_connection_new (G_DATAGRAM_BASED (server->sock), cert, &error);
  die_on_error ("g_dtls_server_connection_new", error);
  g_object_unref (cert);

  if (sc->server_ca_database)
    {
      char *ca_path = pki_path (pki_dir, "ca.pem");
      GTlsDatabase *db = g_tls_file_database_new (ca_path, &error);
      die_on_error ("g_tls_file_database_new", error);
      g_free (ca_path);
      g_dtls_connection_set_database (G_DTLS_CONNECTION (server->conn), db);
      g_object_unref (db);
    }
  if (sc->auth_mode != G_TLS_AUTHENTICATION_NONE)
    g_object_set (server->conn, "authentication-mode", sc->auth_mode, NULL);
  if (sc->server_alpn != NULL)
    g_dtls_connection_set_advertised_protocols (G_DTLS_CONNECTION (server->conn),
                                                sc->server_alpn);
  if (sc->server_no_close_notify)
    g_dtls_connection_set_require_close_notify (G_DTLS_CONNECTION (server->conn), FALSE);
  if (sc->server_has_accept_handler)
    g_signal_connect (server->conn, "accept-certificate",
                      G_CALLBACK (on_server_accept_certificate), NULL);
  server->cancel = g_cancellable_new ();
}

static void
setup_client (Side *client, const Scenario *sc, const char *pki_dir)
{
  GError *error = NULL;
  GSocketConnectable *identity = sc->ip_identity != NULL
    ? G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string (sc->ip_identity, 0))
    : g_network_address_new ("server.example.com", 0);
  client->conn = g_dtls_client_connection_new (G_DATAGRAM_BASED (client->sock),
                                               identity, &error);
  die_on_error ("g_dtls_client_connection_new", error);
  g_object_unref (identity);

  char *ca_path = pki_path (pki_dir, "ca.pem");
  GTlsDatabase *db = g_tls_file_database_new (ca_path, &error);
  die_on_error ("g_tls_file_database_new", error);
  g_free (ca_path);
  g_dtls_connection_set_database (G_DTLS_CONNECTION (client->conn), db);
  g_object_unref (db);

  if (sc->client_alpn != NULL)
    g_dtls_connection_set_advertised_protocols (G_DTLS_CONNECTION (client->conn),
                                                sc->client_alpn);
  if (sc->client_sends_cert)
    {
      char *cert_path = pki_path (pki_dir, "client.pem");
      char *key_path = pki_path (pki_dir, "client-key.pem");
      GTlsCertificate *cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
      die_on_error ("client certificate", error);
      g_dtls_connection_set_certificate (G_DTLS_CONNECTION (client->conn), cert);
      g_object_unref (cert);
      g_free (cert_path);
      g_free (key_path);
    }
  /* Always connected, so non-validation scenarios also record emissions
   * (expected: none). The return value only matters when one happens. */
  g_signal_connect (client->conn, "accept-certificate",
                    G_CALLBACK (on_client_accept_certificate), (gpointer) sc);
  client->cancel = g_cancellable_new ();
}

/* ---------- handshake ---------- */

static gpointer
server_handshake_thread (gpointer data)
{
  Pair *pair = data;
  Side *server = pair->server;

  server->hs_ok = g_dtls_connection_handshake (G_DTLS_CONNECTION (server->conn),
                                               server->cancel, &server->hs_error);
  /* A failed server will never answer again: unblock the client. */
  if (!server->hs_ok)
    g_cancellable_cancel (pair->client->cancel);
  return NULL;
}

static void
run_handshakes (Side *server, Side *client)
{
  Pair pair = { server, client };
  GThread *thread = g_thread_new ("server-handshake", server_handshake_thread, &pair);

  client->hs_ok = g_dtls_connection_handshake (G_DTLS_CONNECTION (client->conn),
                                               client->cancel, &client->hs_error);
  /* A failed client will never send again: unblock the server. */
  if (!client->hs_ok)
    g_cancellable_cancel (server->cancel);
  g_thread_join (thread);
}

/* ---------- post-handshake observations ---------- */

static char *
channel_binding (Side *client, GTlsChannelBindingType type)
{
  GError *error = NULL;
  GByteArray *data = g_byte_array_new ();
  gboolean ok = g_dtls_connection_get_channel_binding_data (G_DTLS_CONNECTION (client->conn),
                                                            type, data, &error);
  char *json = int_or_error (ok, data->len, error);
  g_clear_error (&error);
  g_byte_array_unref (data);
  return json;
}

/* Client sends one message of len bytes; returns the JSON value of R. */
static char *
client_send (Side *client, const char *bytes, gsize len)
{
  GError *error = NULL;
  GOutputVector vec = { bytes, len };
  GOutputMessage msg = { NULL, &vec, 1, 0, NULL, 0 };
  gint n = g_datagram_based_send_messages (client->conn, &msg, 1, 0, -1, NULL, &error);
  GString *s = g_string_new (NULL);
  if (n < 0)
    {
      char *id = error_id (error);
      json_string (s, id);
      g_free (id);
      g_clear_error (&error);
    }
  else
    json_string (s, "ok");
  return g_string_free (s, FALSE);
}

/* Receives one message on side; returns the JSON value of N. */
static char *
receive_one (Side *side, gint64 timeout_us)
{
  GError *error = NULL;
  guint8 buf[RECV_BUF_LEN];
  GInputVector vec = { buf, sizeof buf };
  GInputMessage msg = { NULL, &vec, 1, 0, 0, NULL, NULL };
  gint n = g_datagram_based_receive_messages (side->conn, &msg, 1, 0, timeout_us,
                                              NULL, &error);
  char *json = int_or_error (n >= 0, (gint64) msg.bytes_received, error);
  g_clear_error (&error);
  return json;
}

static char *
handshake_result (const Side *side)
{
  GString *s = g_string_new (NULL);
  if (side->hs_skipped)
    g_string_append (s, "null");
  else if (side->hs_ok)
    json_string (s, "ok");
  else
    {
      char *id = error_id (side->hs_error);
      json_string (s, id);
      g_free (id);
    }
  return g_string_free (s, FALSE);
}

static char *
accept_flags_json (void)
{
  GString *list = g_string_new ("[");
  g_mutex_lock (&accept_lock);
  for (guint i = 0; i < accept_flags->len; i++)
    g_string_append_printf (list, "%s%d", i ? "," : "", g_array_index (accept_flags, int, i));
  g_mutex_unlock (&accept_lock);
  g_string_append_c (list, ']');

  GString *s = g_string_new (NULL);
  json_string (s, list->str);
  g_string_free (list, TRUE);
  return g_string_free (s, FALSE);
}

static gpointer
cancel_after_delay (gpointer cancellable)
{
  g_usleep (CANCEL_AFTER_MS * 1000);
  g_cancellable_cancel (cancellable);
  return NULL;
}

/* Cancels `cancellable` from another thread CANCEL_AFTER_MS from now; join the thread afterwards. */
static GThread *
cancel_later (GCancellable *cancellable)
{
  return g_thread_new ("cancel-later", cancel_after_delay, cancellable);
}

/* cancel/before and cancel/handshake: only the client handshakes; the server never answers. */
static void
run_cancelled_handshake (Side *server, Side *client, Cancelling how)
{
  server->hs_skipped = TRUE;
  GThread *canceller = NULL;
  if (how == CANCEL_BEFORE)
    g_cancellable_cancel (client->cancel);
  else
    canceller = cancel_later (client->cancel);
  client->hs_ok = g_dtls_connection_handshake (G_DTLS_CONNECTION (client->conn), client->cancel,
                                               &client->hs_error);
  if (canceller != NULL)
    g_thread_join (canceller);
}

/*
 * transport/unconnected: only the client handshakes, over a socket with no peer, so its first send fails
 * (the error code for EDESTADDRREQ changed in GLib 2.80).
 */
static void
run_unconnected_handshake (Side *server, Side *client)
{
  server->hs_skipped = TRUE;
  GThread *canceller = cancel_later (client->cancel); /* in case a GIO version retried instead of failing */
  client->hs_ok = g_dtls_connection_handshake (G_DTLS_CONNECTION (client->conn), client->cancel,
                                               &client->hs_error);
  g_thread_join (canceller);
}

/*
 * handshake/...: the client handshakes a second time, cancelled CANCEL_AFTER_MS later if still running (the
 * server is not reading). glib-networking 2.74 starts a new handshake; 2.90 returns at once once any handshake
 * has started. Returns the JSON result.
 */
static char *
handshake_again (Side *client)
{
  GError *error = NULL;
  GCancellable *cancellable = g_cancellable_new ();
  GThread *canceller = cancel_later (cancellable);
  gboolean ok = g_dtls_connection_handshake (G_DTLS_CONNECTION (client->conn), cancellable, &error);
  g_thread_join (canceller);
  g_object_unref (cancellable);
  GString *s = g_string_new (NULL);
  if (ok)
    json_string (s, "ok");
  else
    {
      char *id = error_id (error);
      json_string (s, id);
      g_free (id);
      g_clear_error (&error);
    }
  return g_string_free (s, FALSE);
}

/* The host_name of a DTLS ClientHello's server_name extension as JSON; "none" without one, "unparsed" if not a
 * whole ClientHello. */
static char *
client_hello_sni (const guint8 *p, gsize len)
{
  GString *s = g_string_new (NULL);
  const char *verdict = "unparsed";
  gsize at = 13 + 12 + 2 + 32;  /* record header, handshake header, client_version, random */
#define NEED(n) if (at + (n) > len) goto done
#define U8() (p[at])
#define U16() ((gsize) p[at] << 8 | p[at + 1])
  if (len < at || p[0] != 22 || p[13] != 1)  /* a handshake record holding a client_hello */
    goto done;
  NEED (1); at += 1 + U8 ();   /* session_id */
  NEED (1); at += 1 + U8 ();   /* cookie */
  NEED (2); at += 2 + U16 ();  /* cipher_suites */
  NEED (1); at += 1 + U8 ();   /* compression_methods */
  NEED (2);
  verdict = "none";
  gsize end = at + 2 + U16 ();
  at += 2;
  while (at + 4 <= end && end <= len)
    {
      gsize type = U16 ();
      gsize ext_len = (gsize) p[at + 2] << 8 | p[at + 3];
      at += 4;
      if (type == 0 && ext_len >= 5 && at + ext_len <= end && p[at + 2] == 0)  /* server_name: host_name */
        {
          gsize name_len = (gsize) p[at + 3] << 8 | p[at + 4];
          if (at + 5 + name_len <= end)
            {
              char *name = g_strndup ((const char *) p + at + 5, name_len);
              json_string (s, name);
              g_free (name);
              return g_string_free (s, FALSE);
            }
        }
      at += ext_len;
    }
#undef NEED
#undef U8
#undef U16
done:
  json_string (s, verdict);
  return g_string_free (s, FALSE);
}

static gpointer
client_handshake_thread (gpointer data)
{
  Side *client = data;
  client->hs_ok = g_dtls_connection_handshake (G_DTLS_CONNECTION (client->conn), client->cancel,
                                               &client->hs_error);
  return NULL;
}

/*
 * sni/...: the client handshakes (cancelled CANCEL_AFTER_MS later) while the server side reads its first
 * datagram straight from the socket. glib-networking before 2.80 sends an IP address identity as SNI.
 */
static char *
run_sni_handshake (Side *server, Side *client)
{
  server->hs_skipped = TRUE;
  GThread *canceller = cancel_later (client->cancel);
  GThread *handshake = g_thread_new ("client-handshake", client_handshake_thread, client);
  guint8 buf[RECV_BUF_LEN];
  GError *error = NULL;
  gssize n = -1;
  if (g_socket_condition_timed_wait (server->sock, G_IO_IN, SERVER_RECV_TIMEOUT_US, NULL, &error))
    n = g_socket_receive (server->sock, (gchar *) buf, sizeof buf, NULL, &error);
  g_clear_error (&error);
  g_thread_join (handshake);
  g_thread_join (canceller);
  if (n < 0)
    {
      GString *s = g_string_new (NULL);
      json_string (s, "no datagram");
      return g_string_free (s, FALSE);
    }
  return client_hello_sni (buf, (gsize) n);
}

/* Receives one message with `cancellable`, which another thread cancels meanwhile. */
static char *
receive_cancelled (Side *side)
{
  GError *error = NULL;
  guint8 buf[RECV_BUF_LEN];
  GInputVector vec = { buf, sizeof buf };
  GInputMessage msg = { NULL, &vec, 1, 0, 0, NULL, NULL };
  GCancellable *cancellable = g_cancellable_new ();
  GThread *canceller = cancel_later (cancellable);
  gint n = g_datagram_based_receive_messages (side->conn, &msg, 1, 0, -1, cancellable, &error);
  g_thread_join (canceller);
  g_object_unref (cancellable);
  char *json = int_or_error (n >= 0, (gint64) msg.bytes_received, error);
  g_clear_error (&error);
  return json;
}

static void
close_side (Side *side)
{
  /* Errors on close are not part of the observation. */
  g_dtls_connection_close (G_DTLS_CONNECTION (side->conn), NULL, NULL);
}

static void
free_side (Side *side)
{
  g_clear_object (&side->conn);
  g_clear_object (&side->sock);
  g_clear_object (&side->cancel);
  g_clear_error (&side->hs_error);
}

/*
 * After the first exchange, the client ends its side as the scenario says; then the server's next receive
 * (peer_close_receive), the client's own receive (own_receive_after, shutdown/read only) and the client's next
 * send (send_after_close) are observed.
 */
static void
end_client (const Scenario *sc, Side *server, Side *client, char **peer_close_receive,
            char **send_after_close, char **own_receive_after)
{
  switch (sc->ending)
    {
    case END_NONE:
      return;
    case END_CLOSE:
      close_side (client);
      break;
    case END_SHUTDOWN_WRITE:
      g_dtls_connection_shutdown (G_DTLS_CONNECTION (client->conn), FALSE, TRUE, NULL, NULL);
      break;
    case END_SHUTDOWN_READ:
      g_dtls_connection_shutdown (G_DTLS_CONNECTION (client->conn), TRUE, FALSE, NULL, NULL);
      *own_receive_after = receive_one (client, 0);
      *send_after_close = client_send (client, MESSAGE, strlen (MESSAGE));
      *peer_close_receive = receive_one (server, SERVER_RECV_TIMEOUT_US);
      return;
    case END_UNCLEAN:
      g_socket_close (client->sock, NULL);
      *peer_close_receive = receive_one (server, PEER_SILENCE_US);
      *send_after_close = client_send (client, MESSAGE, strlen (MESSAGE));
      return;
    }
  *peer_close_receive = receive_one (server, SERVER_RECV_TIMEOUT_US);
  *send_after_close = client_send (client, MESSAGE, strlen (MESSAGE));
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: %s PKI_DIR SCENARIO\n", argv[0]);
      return 2;
    }
  const char *pki_dir = argv[1];
  const char *name = argv[2];
  if (g_str_has_prefix (name, "connection/") || g_str_has_prefix (name, "hostile/")
      || g_str_has_prefix (name, "database/"))
    {
      char *abs_pki = g_canonicalize_filename (pki_dir, NULL);
      int rc = g_str_has_prefix (name, "connection/") ? run_glib_networking_case (abs_pki, name)
               : g_str_has_prefix (name, "hostile/") ? run_hostile_case (abs_pki, name)
               : run_database_case (abs_pki, name);
      if (rc == 2)
        fprintf (stderr, "gdtls-parity-c: unknown scenario '%s'\n", name);
      g_free (abs_pki);
      return rc;
    }
  /* java-database/X: X with a file database of ca.pem on both sides; Java validates through the JDK there. */
  const char *base = g_str_has_prefix (name, "java-database/") ? name + strlen ("java-database/") : name;
  Scenario sc;
  if (!parse_scenario (base, &sc))
    {
      fprintf (stderr, "gdtls-parity-c: unknown scenario '%s'\n", name);
      return 2;
    }
  sc.server_ca_database = base != name;

  accept_flags = g_array_new (FALSE, FALSE, sizeof (int));
  parity_count_criticals ();

  Side server = { 0 }, client = { 0 };
  server.sock = bound_udp_socket ();
  client.sock = bound_udp_socket ();
  connect_sockets (server.sock, client.sock);
  if (sc.client_unconnected)
    {
      /* A fresh, bound but unconnected client socket; the server's stays connected to the old one. */
      g_object_unref (client.sock);
      client.sock = bound_udp_socket ();
    }
  setup_server (&server, &sc, pki_dir);
  setup_client (&client, &sc, pki_dir);

  char *sni = NULL;
  if (sc.cancelling == CANCEL_BEFORE || sc.cancelling == CANCEL_HANDSHAKE)
    run_cancelled_handshake (&server, &client, sc.cancelling);
  else if (sc.client_unconnected)
    run_unconnected_handshake (&server, &client);
  else if (sc.sni)
    sni = run_sni_handshake (&server, &client);
  else
    run_handshakes (&server, &client);

  /* Every observation defaults to JSON null. */
  char *version = NULL, *cipher = NULL, *alpn = NULL, *peer_errors = NULL;
  char *b_unique = NULL, *b_endpoint = NULL, *b_exporter = NULL;
  char *send_result = NULL, *received = NULL;
  char *peer_close_receive = NULL, *send_after_close = NULL, *own_receive_after = NULL;

  if (client.hs_ok && server.hs_ok)
    {
      GDtlsConnection *c = G_DTLS_CONNECTION (client.conn);
      GString *s;

      version = g_strdup_printf ("%d", (int) g_dtls_connection_get_protocol_version (c));
      s = g_string_new (NULL);
      json_string (s, g_dtls_connection_get_ciphersuite_name (c));
      cipher = g_string_free (s, FALSE);
      s = g_string_new (NULL);
      json_string (s, g_dtls_connection_get_negotiated_protocol (c));
      alpn = g_string_free (s, FALSE);
      peer_errors = g_strdup_printf ("%d", (int) g_dtls_connection_get_peer_certificate_errors (c));

      b_unique = channel_binding (&client, G_TLS_CHANNEL_BINDING_TLS_UNIQUE);
      b_endpoint = channel_binding (&client, G_TLS_CHANNEL_BINDING_TLS_SERVER_END_POINT);
      b_exporter = channel_binding (&client, G_TLS_CHANNEL_BINDING_TLS_EXPORTER);

      if (sc.again != AGAIN_NONE)
        {
          /* Only the second handshake is observed. */
        }
      else if (sc.read_timeout)
        {
          /* Nothing is sent: the client read must time out. */
          received = receive_one (&client, CLIENT_READ_TIMEOUT_US);
        }
      else if (sc.cancelling == CANCEL_RECEIVE)
        {
          /* Nothing is sent: the blocking read ends when another thread cancels it. */
          received = receive_cancelled (&client);
        }
      else if (sc.oversize)
        {
          /* Larger than the DTLS MTU: the send itself must fail. */
          char *big = g_malloc (OVERSIZE_LEN);
          memset (big, 'x', OVERSIZE_LEN);
          send_result = client_send (&client, big, OVERSIZE_LEN);
          g_free (big);
        }
      else
        {
          send_result = client_send (&client, MESSAGE, strlen (MESSAGE));
          received = receive_one (&server, SERVER_RECV_TIMEOUT_US);
          end_client (&sc, &server, &client, &peer_close_receive, &send_after_close, &own_receive_after);
        }
    }

  /* After the first handshake's properties were read. */
  char *again = NULL;
  if (sc.again == AGAIN_AFTER_CANCEL || (sc.again == AGAIN_AFTER_SUCCESS && client.hs_ok && server.hs_ok))
    again = handshake_again (&client);

  char *client_hs = handshake_result (&client);
  char *server_hs = handshake_result (&server);
  char *accepts = accept_flags_json ();

  GString *out = g_string_new ("{\"scenario\":");
  json_string (out, name);
  g_string_append_printf (out,
                          ",\"client_handshake\":%s,\"server_handshake\":%s"
                          ",\"accept_certificate\":%s,\"protocol_version\":%s"
                          ",\"ciphersuite_name\":%s,\"negotiated_protocol\":%s"
                          ",\"peer_certificate_errors\":%s,\"binding_tls_unique\":%s"
                          ",\"binding_tls_server_end_point\":%s,\"binding_tls_exporter\":%s"
                          ",\"send_result\":%s,\"bytes_received\":%s"
                          ",\"peer_close_receive\":%s,\"send_after_close\":%s"
                          ",\"own_receive_after\":%s,\"handshake_again\":%s,\"client_hello_sni\":%s,\"glib_criticals\":%d}",
                          client_hs, server_hs, accepts,
                          version ? version : "null", cipher ? cipher : "null",
                          alpn ? alpn : "null", peer_errors ? peer_errors : "null",
                          b_unique ? b_unique : "null", b_endpoint ? b_endpoint : "null",
                          b_exporter ? b_exporter : "null",
                          send_result ? send_result : "null", received ? received : "null",
                          peer_close_receive ? peer_close_receive : "null",
                          send_after_close ? send_after_close : "null",
                          own_receive_after ? own_receive_after : "null",
                          again ? again : "null", sni ? sni : "null", parity_criticals ());
  puts (out->str);
  fflush (stdout);
  g_string_free (out, TRUE);

  close_side (&client);
  close_side (&server);

  g_free (client_hs); g_free (server_hs); g_free (accepts);
  g_free (version); g_free (cipher); g_free (alpn); g_free (peer_errors);
  g_free (b_unique); g_free (b_endpoint); g_free (b_exporter);
  g_free (send_result); g_free (received);
  g_free (peer_close_receive); g_free (send_after_close); g_free (own_receive_after);
  g_free (again); g_free (sni);
  free_side (&client);
  free_side (&server);
  g_array_unref (accept_flags);
  return 0;
}
