/*
 * The C glue of gdtls-java: what must be written in C. JavaCPP binds these functions like any GIO function, into
 * their own global class org.gdtls.internal.gen.global.Glue (GluePreset); they are never called from anywhere but
 * the Java glue layer (org.gdtls.internal.glue).
 */
#ifndef GDTLS_GLUE_H
#define GDTLS_GLUE_H

#include <gio/gio.h>

#include "gdtls_filter.h"
#include "gdtls_peer.h"
#include "gdtls_demux.h"

G_BEGIN_DECLS

/* One kind per GLib callback shape; org.gdtls.internal.glue.CallbackDispatcher reads these numbers (constants of Glue). */
#define GDTLS_CALLBACK_RELEASE 0            /* GClosureNotify / GDestroyNotify: the handle is no longer used */
#define GDTLS_CALLBACK_ACCEPT_CERTIFICATE 1 /* gboolean (*)(GTlsConnection*, GTlsCertificate*, GTlsCertificateFlags, gpointer) */
#define GDTLS_CALLBACK_NOTIFY 2             /* void (*)(GObject*, GParamSpec*, gpointer) */
#define GDTLS_CALLBACK_ASK_PASSWORD 3       /* GTlsInteractionClass.ask_password of GdtlsInteraction */
#define GDTLS_CALLBACK_REQUEST_CERTIFICATE 4 /* GTlsInteractionClass.request_certificate of GdtlsInteraction */
#define GDTLS_CALLBACK_ASYNC_READY 5        /* GAsyncReadyCallback: (GObject *source, GAsyncResult *result) */
#define GDTLS_CALLBACK_INVOKE 6             /* GSourceFunc run by gdtls_context_invoke */
#define GDTLS_CALLBACK_CANCELLED 7          /* GCancellable::cancelled, connected by gdtls_cancellable_connect */
#define GDTLS_CALLBACK_DATAGRAM_READY 8     /* GDatagramBasedSourceFunc: (GDatagramBased*, GIOCondition) -> keep? */
#define GDTLS_CALLBACK_DATAGRAM_FILTER 9    /* GdtlsDatagramFilterFunc: (direction, serial, size) -> GDTLS_DATAGRAM_KEEP/DROP */
#define GDTLS_CALLBACK_DATAGRAM_SEND 10     /* GdtlsDatagramSendFunc: (data, size, GError**) -> nonzero if sent */
#define GDTLS_CALLBACK_ASK_PASSWORD_ASYNC 11 /* GTlsInteractionClass.ask_password_async of GdtlsAsyncInteraction */
#define GDTLS_CALLBACK_REQUEST_CERTIFICATE_ASYNC 12 /* .request_certificate_async of GdtlsAsyncInteraction */
/* GTlsDatabaseClass vfuncs of GdtlsDatabase (gdtls_database.h); a1 is always the vfunc's GError**. */
#define GDTLS_CALLBACK_DATABASE_VERIFY 13        /* a0 GTlsCertificate *chain, a2 GdtlsVerifyRequest*; -> flags */
#define GDTLS_CALLBACK_DATABASE_ISSUER 14        /* a0 GTlsCertificate*, a2 lookup flags; -> GTlsCertificate* (full) */
#define GDTLS_CALLBACK_DATABASE_ISSUED_BY 15     /* a0 GByteArray *issuer_raw_dn, a2 flags; -> GList* (full) */
#define GDTLS_CALLBACK_DATABASE_CREATE_HANDLE 16 /* a0 GTlsCertificate*; -> gchar* (g_malloc'ed) */
#define GDTLS_CALLBACK_DATABASE_FOR_HANDLE 17    /* a0 const gchar *handle, a2 flags; -> GTlsCertificate* (full) */

/* Glue errors returned by gdtls_glue_init. */
#define GDTLS_GLUE_OK 0
#define GDTLS_GLUE_NO_ENV -1
#define GDTLS_GLUE_NO_DISPATCHER -2

/*
 * Binds the trampoline to Java. Call once, from a Java thread, before connecting any signal.
 * java_vm is the process's JavaVM*. Returns GDTLS_GLUE_OK or a negative GDTLS_GLUE_* code.
 */
int gdtls_glue_init(void *java_vm);

/*
 * g_signal_connect_data() with the trampoline for `kind` as the C handler and `handle` (the Java registry id)
 * as user data. When GLib drops the handler, the handle is released through GDTLS_CALLBACK_RELEASE.
 * Returns the handler id, or 0 if the instance has no such signal.
 */
gulong gdtls_signal_connect(gpointer instance, const char *detailed_signal, int kind, gint64 handle);

/*
 * A GTlsInteraction whose ask_password and request_certificate call Java (GDTLS_CALLBACK_ASK_PASSWORD /
 * GDTLS_CALLBACK_REQUEST_CERTIFICATE with `handle`). GDTLS_CALLBACK_RELEASE follows when the object is finalized.
 * Returns a new reference.
 */
GTlsInteraction *gdtls_interaction_new(gint64 handle);

/*
 * A GTlsInteraction whose sync vfuncs are NULL (GIO's invoke_* functions prefer a sync vfunc whenever there is
 * one) and whose ask_password_async and request_certificate_async call Java (GDTLS_CALLBACK_ASK_PASSWORD_ASYNC /
 * GDTLS_CALLBACK_REQUEST_CERTIFICATE_ASYNC with `handle`, the GTlsPassword or GTlsConnection, a request -- an
 * opaque pointer holding the call's GTask -- and the request flags) on the thread that runs the vfunc. Java
 * returns a nonzero registry id if it took the request (and one reference on it), else 0 (the request is then
 * answered UNHANDLED). If the request's GCancellable is cancelled before Java answered, the request is answered
 * FAILED with G_IO_ERROR_CANCELLED and Java hears GDTLS_CALLBACK_CANCELLED with that id, on the cancelling thread.
 * The GTask reports in the thread-default context of the thread that ran the vfunc (GIO's invoke_* functions push
 * the interaction's context there), so create the interaction where its context is iterated (a pump's thread).
 * GDTLS_CALLBACK_RELEASE follows when the object is finalized. Returns a new reference.
 */
GTlsInteraction *gdtls_async_interaction_new(gint64 handle);

/*
 * Answers `request` (as given to Java by a GdtlsAsyncInteraction) from any thread: with *error if set (FAILED;
 * the error is taken), else with `result` (a GTlsInteractionResult; FAILED without an error gets
 * G_IO_ERROR_FAILED). Only the first answer counts, Java's or the cancellation's: returns 1 if this one did, 0 if
 * the request was answered already (*error is freed then).
 */
int gdtls_interaction_request_return(gpointer request, int result, GError **error);

/* Drops Java's reference on `request`; call once, after answering it. */
void gdtls_interaction_request_release(gpointer request);

/*
 * g_tls_password_set_value_full() with a copy of `value` (plus a NUL) whose destroy notify wipes it
 * (explicit_bzero) before freeing it, so the secret does not linger in freed memory once GIO replaces the value
 * or finalizes the password. (g_tls_password_set_value frees its copy unwiped.)
 */
void gdtls_password_set_value_wiped(GTlsPassword *password, const guint8 *value, gsize length);

/*
 * The GAsyncReadyCallback to pass to any g_*_async function, with the Java registry handle as user data.
 * It calls Java once (GDTLS_CALLBACK_ASYNC_READY); Java drops the handle then (async callbacks have no destroy
 * notify). Returned as a plain pointer because the generated layer passes callbacks as pointers.
 */
gpointer gdtls_async_ready_callback(void);

/*
 * g_main_context_invoke_full(): runs Java (GDTLS_CALLBACK_INVOKE) in `context`, with `context` pushed as the
 * thread-default context meanwhile, so GIO async operations started there report back to it. Runs at once if
 * this thread owns `context`; otherwise at its next iteration. The handle is released (GDTLS_CALLBACK_RELEASE)
 * after the call, or if the context is destroyed first.
 */
void gdtls_context_invoke(GMainContext *context, int priority, gint64 handle);

/*
 * g_cancellable_connect() with the trampoline (GDTLS_CALLBACK_CANCELLED); runs at once if already cancelled.
 * Returns the handler id for g_cancellable_disconnect(), or 0 if it ran at once.
 */
gulong gdtls_cancellable_connect(GCancellable *cancellable, gint64 handle);

/*
 * g_datagram_based_create_source() for `condition`, with the trampoline as callback (GDTLS_CALLBACK_DATAGRAM_READY:
 * Java returns nonzero to keep the source), attached to `context`. Returns a new reference to the source, for
 * gdtls_source_destroy(); GDTLS_CALLBACK_RELEASE follows when GLib frees the callback.
 */
GSource *gdtls_datagram_source_attach(GDatagramBased *datagram_based, GIOCondition condition,
                                      GCancellable *cancellable, GMainContext *context, gint64 handle);

/* g_source_destroy() then g_source_unref(): for sources returned by gdtls_datagram_source_attach. */
void gdtls_source_destroy(GSource *source);

/*
 * gdtls_filter_datagram_new() whose predicate is Java (GDTLS_CALLBACK_DATAGRAM_FILTER with `handle`);
 * GDTLS_CALLBACK_RELEASE follows when the object is finalized. Returns a new reference.
 */
GDatagramBased *gdtls_filter_datagram_new_java(GDatagramBased *base, gint64 handle);

/*
 * gdtls_peer_datagram_new_with_sender() whose send function is Java (GDTLS_CALLBACK_DATAGRAM_SEND with `handle`);
 * GDTLS_CALLBACK_RELEASE follows when the object is finalized. Returns a new reference.
 */
GDatagramBased *gdtls_peer_datagram_new_java(gint64 handle, guint capacity);

/* Results of gdtls_log_writer_install (besides the negative GDTLS_GLUE_* codes). */
#define GDTLS_LOG_WRITER_INSTALLED 0
#define GDTLS_LOG_WRITER_ALREADY_INSTALLED 1

/*
 * Makes GLib's structured log writer (g_log_set_writer_func) hand every message to
 * org.gdtls.internal.glue.GLibLogWriter.write, i.e. to a System.Logger. Call from a Java thread, after
 * gdtls_glue_init. GLib aborts the process if a writer was already set by anyone else, and there is no way to
 * ask; this function itself never calls g_log_set_writer_func twice. Returns GDTLS_LOG_WRITER_INSTALLED,
 * GDTLS_LOG_WRITER_ALREADY_INSTALLED, or a negative GDTLS_GLUE_* code (nothing installed).
 */
int gdtls_log_writer_install(void);

/*
 * From now on the writer never calls Java: messages go to g_log_writer_default (stderr). Called by a JVM
 * shutdown hook, since a logger may no longer work (or the JVM may be gone) once shutdown has begun.
 */
void gdtls_log_writer_stop_java(void);

/*
 * Test hook: logs `message` at `level` (a GLogLevelFlags value; G_LOG_LEVEL_ERROR is refused, since GLib aborts
 * after it) in `domain` (may be NULL) through g_log_structured with CODE_FILE/CODE_LINE/CODE_FUNC, on this
 * thread or, if on_new_thread is nonzero, on a new GThread that is joined before returning. Exists only so tests
 * can produce GLib messages deterministically; they take the same path as any GLib message.
 */
void gdtls_test_log(const char *domain, int level, const char *message, int on_new_thread);

/*
 * Wakes every thread blocked on `socket` and makes each further call on it fail at once (NOT_CONNECTED,
 * BROKEN_PIPE), without freeing its descriptor number: shutdown(2), then a dead socket dup'ed over the number.
 * The number is freed by g_socket_close when the GSocket is finalized. Returns 0 or a negative errno.
 */
int gdtls_socket_shut(GSocket *socket);

/*
 * A certificate of the default TLS backend's certificate type (g_tls_backend_get_certificate_type()), made with
 * g_initable_new() and its construct properties, which GIO's public API reaches only through varargs:
 * "certificate" (DER, as a GByteArray) or "certificate-pem"; optionally "private-key" (DER) or "private-key-pem";
 * optionally "issuer". Give the certificate as exactly one of certificate_pem / certificate_der (with its
 * length), the key as at most one of private_key_pem / private_key_der; unused ones are NULL. The DER bytes are
 * copied into GByteArrays that are unreferenced before returning (the backend keeps its own parsed copy). The issuer
 * is not checked: the new certificate takes a reference to it. Returns a new reference, or NULL with `error` set.
 */
GTlsCertificate *gdtls_tls_certificate_new(const char *certificate_pem, const guint8 *certificate_der,
                                           gsize certificate_der_length, const char *private_key_pem,
                                           const guint8 *private_key_der, gsize private_key_der_length,
                                           GTlsCertificate *issuer, GError **error);

/*
 * g_dtls_server_connection_new() with "database" set at construction (g_initable_new: the backend's DTLS server
 * connection type, "base-socket", "certificate", "database"); `database` NULL means none. Constructed without it, a
 * glib-networking 2.74 connection loads the system CA bundle into credentials of its own in its constructor (about
 * 3.7 MB and 8-26 ms each), which a server that asks no client certificate never uses. Returns a new reference, or
 * NULL with `error` set.
 */
GDatagramBased *gdtls_dtls_server_connection_new(GDatagramBased *base, GTlsCertificate *certificate,
                                                 GTlsDatabase *database, GError **error);

/* G_OBJECT_TYPE_NAME() is a macro: this gives it a symbol. */
const char *gdtls_object_type_name(gpointer instance);

/* g_type_name(): gtype.h is not among the parsed headers; NULL for 0 (G_TYPE_INVALID) or an unknown type. */
const char *gdtls_type_name(GType type);

/* The GType of property `name` of `instance` (G_OBJECT_GET_CLASS is a macro), or 0 if it has none. */
GType gdtls_object_property_type(gpointer instance, const char *name);

G_END_DECLS

#endif
