/*
 * GdtlsDatabase: a GTlsDatabase whose methods are written in Java (org.gdtls.TlsDatabaseImplementation). Its
 * synchronous vfuncs call Java through the trampoline; GIO's default _async vfuncs run them on its worker threads.
 */
#ifndef GDTLS_DATABASE_H
#define GDTLS_DATABASE_H

#include <gio/gio.h>

G_BEGIN_DECLS

/* Callback kinds of GdtlsDatabase (after the 0..15 of gdtls_glue.h). a1 is always the vfunc's GError**. */
#define GDTLS_CALLBACK_DATABASE_VERIFY 16        /* a0 GTlsCertificate *chain, a2 GdtlsVerifyRequest*; -> flags */
#define GDTLS_CALLBACK_DATABASE_ISSUER 17        /* a0 GTlsCertificate*, a2 lookup flags; -> GTlsCertificate* (full) */
#define GDTLS_CALLBACK_DATABASE_ISSUED_BY 18     /* a0 GByteArray *issuer_raw_dn, a2 flags; -> GList* (full) */
#define GDTLS_CALLBACK_DATABASE_CREATE_HANDLE 19 /* a0 GTlsCertificate*; -> gchar* (g_malloc'ed) */
#define GDTLS_CALLBACK_DATABASE_FOR_HANDLE 20    /* a0 const gchar *handle, a2 flags; -> GTlsCertificate* (full) */

/*
 * Java's verify answer carries this bit beside the flags: an answer without it (Java unreachable, or a throw
 * the trampoline caught) counts as G_TLS_CERTIFICATE_GENERIC_ERROR. A chain is never trusted by default.
 */
#define GDTLS_DATABASE_ANSWERED 0x100000000LL

/* What verify_chain was asked besides the chain: valid for the duration of the call. */
typedef struct {
  const char *purpose;          /* an OID, e.g. G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER */
  const char *identity;         /* the host name, domain or IP address of the GSocketConnectable; NULL for none */
  GTlsInteraction *interaction; /* may be NULL */
  GCancellable *cancellable;    /* NULL when glib-networking verifies a handshake's peer */
} GdtlsVerifyRequest;

/* A new GdtlsDatabase calling Java with `handle`; GDTLS_CALLBACK_RELEASE follows when it is finalized. */
GTlsDatabase *gdtls_database_new(gint64 handle);

G_END_DECLS

#endif
