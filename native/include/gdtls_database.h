/*
 * GdtlsDatabase: a GTlsDatabase whose methods are written in Java (org.gdtls.TlsDatabaseImplementation). Its
 * synchronous vfuncs call Java through the trampoline (GDTLS_CALLBACK_DATABASE_*, gdtls_glue.h); GIO's default
 * _async vfuncs run them on its worker threads.
 */
#ifndef GDTLS_DATABASE_H
#define GDTLS_DATABASE_H

#include <gio/gio.h>

G_BEGIN_DECLS

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
