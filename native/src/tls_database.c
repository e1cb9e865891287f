/* GdtlsDatabase (gdtls_database.h): each vfunc hands its arguments to Java and enforces GIO's contract on the
 * answer, so nothing Java does (or fails to do) can break a caller. glib-networking asserts that a verify_chain
 * which sets an error also returns flags (gtlsconnection-base.c, verify_peer_certificate). */
#include "gdtls_database.h"
#include "gdtls_glue.h"
#include "glue_internal.h"

typedef struct {
  GTlsDatabase parent;
  gint64 handle;
} GdtlsDatabase;

typedef struct {
  GTlsDatabaseClass parent_class;
} GdtlsDatabaseClass;

G_DEFINE_TYPE(GdtlsDatabase, gdtls_database, G_TYPE_TLS_DATABASE)

#define ADDRESS(p) ((gint64) (gintptr) (p))
#define HANDLE(db) (((GdtlsDatabase *) (db))->handle)

/* The identity as a string: what GIO's own backends compare certificates with. */
static char *identity_string(GSocketConnectable *identity)
{
  if (identity == NULL)
    return NULL;
  if (G_IS_NETWORK_ADDRESS(identity))
    return g_strdup(g_network_address_get_hostname(G_NETWORK_ADDRESS(identity)));
  if (G_IS_NETWORK_SERVICE(identity))
    return g_strdup(g_network_service_get_domain(G_NETWORK_SERVICE(identity)));
  if (G_IS_INET_SOCKET_ADDRESS(identity))
    return g_inet_address_to_string(g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(identity)));
  return g_socket_connectable_to_string(identity);
}

static GTlsCertificateFlags verify_chain(GTlsDatabase *db, GTlsCertificate *chain, const gchar *purpose,
                                         GSocketConnectable *identity, GTlsInteraction *interaction,
                                         GTlsDatabaseVerifyFlags flags, GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  GdtlsVerifyRequest request = { purpose, identity_string(identity), interaction, cancellable };
  gint64 answer = gdtls_call_java(GDTLS_CALLBACK_DATABASE_VERIFY, HANDLE(db), ADDRESS(chain), ADDRESS(&local),
                                  ADDRESS(&request));
  g_free((char *) request.identity);
  GTlsCertificateFlags result = (answer & GDTLS_DATABASE_ANSWERED) ? (GTlsCertificateFlags) (answer & 0xffffffff)
                                                                    : G_TLS_CERTIFICATE_GENERIC_ERROR;
  if (local != NULL) {
    result |= G_TLS_CERTIFICATE_GENERIC_ERROR;
    g_propagate_error(error, local);
  }
  return result;
}

/* A certificate Java handed over (a reference of its own), dropped if Java also set an error. */
static GTlsCertificate *certificate_answer(gint64 answer, GError *local, GError **error)
{
  GTlsCertificate *certificate = (GTlsCertificate *) (gintptr) answer;
  if (local != NULL) {
    g_clear_object(&certificate);
    g_propagate_error(error, local);
  }
  return certificate;
}

static GTlsCertificate *lookup_certificate_issuer(GTlsDatabase *db, GTlsCertificate *certificate,
                                                  GTlsInteraction *interaction, GTlsDatabaseLookupFlags flags,
                                                  GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  gint64 answer = gdtls_call_java(GDTLS_CALLBACK_DATABASE_ISSUER, HANDLE(db), ADDRESS(certificate),
                                  ADDRESS(&local), (gint64) flags);
  return certificate_answer(answer, local, error);
}

static GList *lookup_certificates_issued_by(GTlsDatabase *db, GByteArray *issuer_raw_dn,
                                            GTlsInteraction *interaction, GTlsDatabaseLookupFlags flags,
                                            GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  GList *list = (GList *) (gintptr) gdtls_call_java(GDTLS_CALLBACK_DATABASE_ISSUED_BY, HANDLE(db),
                                                     ADDRESS(issuer_raw_dn), ADDRESS(&local), (gint64) flags);
  if (local != NULL) {
    g_list_free_full(list, g_object_unref);
    g_propagate_error(error, local);
    return NULL;
  }
  return list;
}

static gchar *create_certificate_handle(GTlsDatabase *db, GTlsCertificate *certificate)
{
  return (gchar *) (gintptr) gdtls_call_java(GDTLS_CALLBACK_DATABASE_CREATE_HANDLE, HANDLE(db),
                                             ADDRESS(certificate), 0, 0);
}

static GTlsCertificate *lookup_certificate_for_handle(GTlsDatabase *db, const gchar *handle,
                                                      GTlsInteraction *interaction, GTlsDatabaseLookupFlags flags,
                                                      GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  gint64 answer = gdtls_call_java(GDTLS_CALLBACK_DATABASE_FOR_HANDLE, HANDLE(db), ADDRESS(handle), ADDRESS(&local),
                                  (gint64) flags);
  return certificate_answer(answer, local, error);
}

static void gdtls_database_finalize(GObject *object)
{
  gdtls_call_java(GDTLS_CALLBACK_RELEASE, HANDLE(object), 0, 0, 0);
  G_OBJECT_CLASS(gdtls_database_parent_class)->finalize(object);
}

static void gdtls_database_class_init(GdtlsDatabaseClass *klass)
{
  GTlsDatabaseClass *db = G_TLS_DATABASE_CLASS(klass);
  G_OBJECT_CLASS(klass)->finalize = gdtls_database_finalize;
  db->verify_chain = verify_chain;
  db->lookup_certificate_issuer = lookup_certificate_issuer;
  db->lookup_certificates_issued_by = lookup_certificates_issued_by;
  db->create_certificate_handle = create_certificate_handle;
  db->lookup_certificate_for_handle = lookup_certificate_for_handle;
}

static void gdtls_database_init(GdtlsDatabase *self)
{
}

GDTLS_EXPORT GTlsDatabase *gdtls_database_new(gint64 handle)
{
  GdtlsDatabase *self = g_object_new(gdtls_database_get_type(), NULL);
  self->handle = handle;
  return G_TLS_DATABASE(self);
}
