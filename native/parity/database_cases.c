/*
 * database/...: every certificate of the test PKI against every database, through GTlsDatabase's blocking
 * operations, one JSON line per scenario (keys "DATABASE/CERTIFICATE"):
 *
 *   database/verify/server          g_tls_database_verify_chain, purpose server, identity "localhost": flags
 *   database/verify/client          purpose client, no identity
 *   database/verify/other-host      purpose server, identity "other.example.com"
 *   database/verify/ip-identity     purpose server, identity 127.0.0.1 (an address, not a name)
 *   database/lookup/issuer          g_tls_database_lookup_certificate_issuer: the issuer's subject, or null
 *   database/lookup/issued-by       g_tls_database_lookup_certificates_issued_by with the certificate's own
 *                                   subject as issuer: the subjects found, in GIO's order, joined by "|"
 *   database/handle                 g_tls_database_create_certificate_handle, and whether
 *                                   g_tls_database_lookup_certificate_for_handle finds the same certificate;
 *                                   per database also the lookup of a handle it never made ("DATABASE/unknown")
 *
 * The databases: GTlsFileDatabases of ca.pem, intermediate.pem and untrusted-ca.pem, and the backend's default
 * (the system trust store). Each cell runs the blocking call and the _async one (on this thread's default
 * context); if they disagree, the cell says so. GIO's default _async lookups log two CRITICALs whenever nothing
 * is found (gtlsdatabase.c returns a NULL GError; still so in GLib 2.88): glib_criticals counts them. The Java
 * side (DatabaseScenario) must stay step-for-step identical.
 */
#include "database_cases.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity_criticals.h"
#include "parity_json.h"

static const char *const databases[] = { "ca.pem", "intermediate.pem", "untrusted-ca.pem", "system", NULL };
static const char *const certificates[] = {
  "ca.pem", "intermediate.pem", "server.pem", "server-chain.pem", "client.pem", "expired.pem",
  "not-yet-valid.pem", "wrong-host.pem", "untrusted-ca.pem", "untrusted-server.pem", NULL
};

/* A handle no database made: the file database's form, with a path that does not exist. */
#define UNKNOWN_HANDLE "file:///nonexistent/ca.pem#00"

/* `object`, or the run ends (exit 1) with `error` about `path`; frees `path`. */
static gpointer
or_die (gpointer object, GError *error, char *path)
{
  if (object == NULL)
    {
      fprintf (stderr, "gdtls-parity-c: %s: %s\n", path, error->message);
      exit (1);
    }
  g_free (path);
  return object;
}

static GTlsDatabase *
open_database (const char *pki_dir, const char *name)
{
  if (strcmp (name, "system") == 0)
    return g_tls_backend_get_default_database (g_tls_backend_get_default ());
  GError *error = NULL;
  char *path = g_build_filename (pki_dir, name, NULL);
  return or_die (g_tls_file_database_new (path, &error), error, path);
}

static GTlsCertificate *
open_certificate (const char *pki_dir, const char *name)
{
  GError *error = NULL;
  char *path = g_build_filename (pki_dir, name, NULL);
  return or_die (g_tls_certificate_new_from_file (path, &error), error, path);
}

/* Reads one DER TLV header at *p (short and long lengths); returns the content's start, sets its length. */
static const guint8 *
der_enter (const guint8 *p, gsize *len)
{
  gsize n = p[1];
  p += 2;
  if (n & 0x80)
    {
      int bytes = n & 0x7f;
      n = 0;
      while (bytes-- > 0)
        n = (n << 8) | *p++;
    }
  *len = n;
  return p;
}

/* The DER of the certificate's subject Name: the 6th field of TBSCertificate (5th without a version). */
static GByteArray *
subject_raw_dn (GTlsCertificate *cert)
{
  GByteArray *der = NULL;
  g_object_get (cert, "certificate", &der, NULL);
  gsize len;
  const guint8 *tbs = der_enter (der_enter (der->data, &len), &len);
  const guint8 *field = tbs;
  int skip = field[0] == 0xa0 ? 5 : 4; /* [0] version, serial, signature, issuer, validity */
  for (int i = 0; i < skip; i++)
    {
      const guint8 *content = der_enter (field, &len);
      field = content + len;
    }
  const guint8 *content = der_enter (field, &len);
  GByteArray *dn = g_byte_array_new ();
  g_byte_array_append (dn, field, (guint) (content + len - field));
  g_byte_array_unref (der);
  return dn;
}

static void
on_ready (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* Iterates this thread's default context until the operation that reports to `*slot` is done. */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The blocking call's record, or a note that the _async call disagreed; consumes both. */
static char *
agree (char *blocking, char *future)
{
  if (strcmp (blocking, future) != 0)
    {
      g_free (blocking);
      blocking = g_strdup ("\"blocking and future differ\"");
    }
  g_free (future);
  return blocking;
}

static char *
verify (GTlsDatabase *db, GTlsCertificate *cert, const char *purpose, const char *identity)
{
  GSocketConnectable *id = NULL;
  if (identity != NULL && g_hostname_is_ip_address (identity))
    id = G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string (identity, 0));
  else if (identity != NULL)
    id = g_network_address_new (identity, 0);
  GError *error = NULL;
  GTlsCertificateFlags flags = g_tls_database_verify_chain (db, cert, purpose, id, NULL,
                                                            G_TLS_DATABASE_VERIFY_NONE, NULL, &error);
  char *blocking = int_or_error (error == NULL, flags, error);
  g_clear_error (&error);

  GAsyncResult *result = NULL;
  g_tls_database_verify_chain_async (db, cert, purpose, id, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, on_ready,
                                     &result);
  flags = g_tls_database_verify_chain_finish (db, wait_result (&result), &error);
  char *future = int_or_error (error == NULL, flags, error);
  g_clear_error (&error);
  g_object_unref (result);
  g_clear_object (&id);
  return agree (blocking, future);
}

/* A certificate's subject as a JSON string (null for none); consumes the reference. */
static char *
subject_or_error (GTlsCertificate *found, GError *error)
{
  if (error != NULL)
    {
      char *id = error_id (error);
      GString *s = g_string_new (NULL);
      json_string (s, id);
      g_free (id);
      g_clear_object (&found);
      return g_string_free (s, FALSE);
    }
  GString *s = g_string_new (NULL);
  char *subject = found ? g_tls_certificate_get_subject_name (found) : NULL;
  json_string (s, subject);
  g_free (subject);
  g_clear_object (&found);
  return g_string_free (s, FALSE);
}

static char *
lookup_issuer (GTlsDatabase *db, GTlsCertificate *cert)
{
  GError *error = NULL;
  GTlsCertificate *issuer = g_tls_database_lookup_certificate_issuer (db, cert, NULL, G_TLS_DATABASE_LOOKUP_NONE,
                                                                      NULL, &error);
  char *blocking = subject_or_error (issuer, error);
  g_clear_error (&error);

  GAsyncResult *result = NULL;
  g_tls_database_lookup_certificate_issuer_async (db, cert, NULL, G_TLS_DATABASE_LOOKUP_NONE, NULL, on_ready,
                                                  &result);
  issuer = g_tls_database_lookup_certificate_issuer_finish (db, wait_result (&result), &error);
  char *future = subject_or_error (issuer, error);
  g_clear_error (&error);
  g_object_unref (result);
  return agree (blocking, future);
}

/* The list's subjects joined by "|" as a JSON string, or the error; consumes the list. */
static char *
subjects_or_error (GList *found, GError *error)
{
  GString *s = g_string_new (NULL);
  if (error != NULL)
    {
      char *id = error_id (error);
      json_string (s, id);
      g_free (id);
    }
  else
    {
      GString *subjects = g_string_new (NULL);
      for (GList *l = found; l != NULL; l = l->next)
        {
          char *subject = g_tls_certificate_get_subject_name (l->data);
          g_string_append_printf (subjects, "%s%s", l == found ? "" : "|", subject);
          g_free (subject);
        }
      json_string (s, subjects->str);
      g_string_free (subjects, TRUE);
    }
  g_list_free_full (found, g_object_unref);
  return g_string_free (s, FALSE);
}

static char *
issued_by (GTlsDatabase *db, GTlsCertificate *cert)
{
  GByteArray *dn = subject_raw_dn (cert);
  GError *error = NULL;
  GList *found = g_tls_database_lookup_certificates_issued_by (db, dn, NULL, G_TLS_DATABASE_LOOKUP_NONE, NULL,
                                                               &error);
  char *blocking = subjects_or_error (found, error);
  g_clear_error (&error);

  GAsyncResult *result = NULL;
  g_tls_database_lookup_certificates_issued_by_async (db, dn, NULL, G_TLS_DATABASE_LOOKUP_NONE, NULL, on_ready,
                                                      &result);
  found = g_tls_database_lookup_certificates_issued_by_finish (db, wait_result (&result), &error);
  char *future = subjects_or_error (found, error);
  g_clear_error (&error);
  g_object_unref (result);
  g_byte_array_unref (dn);
  return agree (blocking, future);
}

/* "same", "other" or null for what a handle lookup found, or its error; consumes the certificate. */
static char *
same_or_error (GTlsCertificate *found, GTlsCertificate *cert, GError *error)
{
  GString *s = g_string_new (NULL);
  if (error != NULL)
    {
      char *id = error_id (error);
      json_string (s, id);
      g_free (id);
    }
  else
    json_string (s, found == NULL ? NULL : cert == NULL ? "found" : g_tls_certificate_is_same (found, cert) ? "same" : "other");
  g_clear_object (&found);
  return g_string_free (s, FALSE);
}

/* Looks `handle` up, blocking and async; cert NULL: no certificate to compare with. */
static char *
lookup_handle (GTlsDatabase *db, const char *handle, GTlsCertificate *cert)
{
  GError *error = NULL;
  GTlsCertificate *found = g_tls_database_lookup_certificate_for_handle (db, handle, NULL,
                                                                         G_TLS_DATABASE_LOOKUP_NONE, NULL, &error);
  char *blocking = same_or_error (found, cert, error);
  g_clear_error (&error);

  GAsyncResult *result = NULL;
  g_tls_database_lookup_certificate_for_handle_async (db, handle, NULL, G_TLS_DATABASE_LOOKUP_NONE, NULL, on_ready,
                                                      &result);
  found = g_tls_database_lookup_certificate_for_handle_finish (db, wait_result (&result), &error);
  char *future = same_or_error (found, cert, error);
  g_clear_error (&error);
  g_object_unref (result);
  return agree (blocking, future);
}

/* "KEY":handle, "KEY/found":"same"|"other"|null (or the lookup's error). */
static void
handle_round_trip (GString *out, const char *key, GTlsDatabase *db, GTlsCertificate *cert)
{
  char *handle = g_tls_database_create_certificate_handle (db, cert);
  g_string_append_c (out, ',');
  json_string (out, key);
  g_string_append_c (out, ':');
  json_string (out, handle);
  g_string_append_printf (out, ",\"%s/found\":", key);
  if (handle == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  char *found = lookup_handle (db, handle, cert);
  g_string_append (out, found);
  g_free (found);
  g_free (handle);
}

/* What each key holds; a string without its own key. */
static char *
observe (const char *name, GTlsDatabase *db, GTlsCertificate *cert)
{
  if (strcmp (name, "database/verify/server") == 0)
    return verify (db, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, "localhost");
  if (strcmp (name, "database/verify/client") == 0)
    return verify (db, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT, NULL);
  if (strcmp (name, "database/verify/other-host") == 0)
    return verify (db, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, "other.example.com");
  if (strcmp (name, "database/verify/ip-identity") == 0)
    return verify (db, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, "127.0.0.1");
  if (strcmp (name, "database/lookup/issuer") == 0)
    return lookup_issuer (db, cert);
  return issued_by (db, cert);
}

int
run_database_case (const char *pki_dir, const char *name)
{
  static const char *const known[] = {
    "database/verify/server", "database/verify/client", "database/verify/other-host", "database/verify/ip-identity",
    "database/lookup/issuer", "database/lookup/issued-by", "database/handle", NULL
  };
  if (!g_strv_contains (known, name))
    return 2;
  parity_count_criticals ();

  GString *out = g_string_new ("{\"scenario\":");
  json_string (out, name);
  g_string_append (out, ",\"purposes\":");
  json_string (out, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER " " G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT);
  for (int d = 0; databases[d] != NULL; d++)
    {
      GTlsDatabase *db = open_database (pki_dir, databases[d]);
      for (int c = 0; certificates[c] != NULL; c++)
        {
          GTlsCertificate *cert = open_certificate (pki_dir, certificates[c]);
          char *key = g_strdup_printf ("%s/%s", databases[d], certificates[c]);
          if (strcmp (name, "database/handle") == 0)
            handle_round_trip (out, key, db, cert);
          else
            {
              char *value = observe (name, db, cert);
              g_string_append_c (out, ',');
              json_string (out, key);
              g_string_append_printf (out, ":%s", value);
              g_free (value);
            }
          g_free (key);
          g_object_unref (cert);
        }
      if (strcmp (name, "database/handle") == 0)
        {
          char *value = lookup_handle (db, UNKNOWN_HANDLE, NULL);
          g_string_append_printf (out, ",\"%s/unknown\":%s", databases[d], value);
          g_free (value);
        }
      g_object_unref (db);
    }
  g_string_append_printf (out, ",\"glib_criticals\":%d}", parity_criticals ());
  puts (out->str);
  fflush (stdout);
  g_string_free (out, TRUE);
  return 0;
}
