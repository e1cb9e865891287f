package org.gdtls;

import java.util.function.ToLongFunction;

import org.gdtls.internal.gen.GTlsBackend;
import org.gdtls.internal.gen.GTlsDatabase;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.NativeLibrary;

/**
 * GIO's default {@code GTlsBackend}: the module (glib-networking's GnuTLS backend on Debian) that implements
 * every certificate, database and connection of the process.
 *
 * <p>{@code g_tls_backend_get_default} returns a borrowed pointer to a singleton GIO keeps for the life of the
 * process, so this class holds no reference and has nothing to close: each method asks GIO for the default
 * backend and calls one function on it.
 */
public final class TlsBackend {
    private TlsBackend() {}

    /** {@code g_tls_backend_get_default} (transfer none; GIO never frees it). */
    private static GTlsBackend backend() {
        NativeLibrary.ensureLoaded();
        return Gio.g_tls_backend_get_default();
    }

    /**
     * The GType name of the default backend, e.g. {@code GTlsBackendGnutls}; {@code GDummyTlsBackend} when no
     * TLS module was found (every certificate or connection then fails with {@link TlsError#UNAVAILABLE}).
     */
    @Wraps("g_tls_backend_get_default")
    public static String typeName() {
        return CStrings.borrowed(Glue.gdtls_object_type_name(backend()));
    }

    /**
     * {@code g_tls_backend_supports_dtls}. glib-networking's GnuTLS backend (2.74 to 2.90) does not implement
     * the query and so answers {@code false}, although DTLS works: do not decide on this whether to use DTLS.
     */
    @Wraps("g_tls_backend_supports_dtls")
    public static boolean supportsDtls() {
        return Gio.g_tls_backend_supports_dtls(backend()) != 0;
    }

    /** {@code g_tls_backend_supports_tls}: false for GIO's dummy backend, true for a real one. */
    @Wraps("g_tls_backend_supports_tls")
    public static boolean supportsTls() {
        return Gio.g_tls_backend_supports_tls(backend()) != 0;
    }

    /**
     * {@code g_tls_backend_get_default_database} (transfer full: the result holds its own reference): the
     * database a connection validates against when none is set on it. That is the one given to
     * {@link #setDefaultDatabase}, else the system's trust store, which GIO creates once and then keeps. Null
     * if the backend has none (GIO's dummy backend).
     */
    @Wraps("g_tls_backend_get_default_database")
    public static TlsDatabase defaultDatabase() {
        GTlsDatabase db = Gio.g_tls_backend_get_default_database(backend());
        return db == null || db.isNull() ? null : TlsDatabase.adopt(db);
    }

    /**
     * {@code g_tls_backend_set_default_database} (GLib 2.60): the database a connection validates against when
     * none is set on it; {@code null} restores the system's trust store. GIO takes a reference of its own, so
     * {@code database} may be closed afterwards. A connection reads the default once, when it first needs its
     * database (glib-networking 2.74 to 2.90: when it verifies the peer's certificate, or on
     * {@link DtlsConnection#database()}), and keeps what it read.
     *
     * <p>Process-global: it changes every later connection of the process, the library's users' and other
     * code's alike. GIO guards it with a lock, so calling it from any thread is safe, but a connection created
     * concurrently gets either the old or the new database.
     */
    @Wraps("g_tls_backend_set_default_database")
    public static void setDefaultDatabase(TlsDatabase database) {
        GTlsBackend backend = backend();
        if (database == null) {
            Gio.g_tls_backend_set_default_database(backend, null);
        } else {
            database.handle.run(db -> Gio.g_tls_backend_set_default_database(backend, db));
        }
    }

    /**
     * The GType name of the backend's DTLS client connection ({@code g_tls_backend_get_dtls_client_connection_type},
     * {@code g_type_name}), e.g. {@code GTlsClientConnectionGnutls}; null if the backend has none.
     */
    @Wraps("g_tls_backend_get_dtls_client_connection_type")
    public static String dtlsClientConnectionType() {
        return typeName(Gio::g_tls_backend_get_dtls_client_connection_type);
    }

    /** As {@link #dtlsClientConnectionType()}, for {@code g_tls_backend_get_dtls_server_connection_type}. */
    @Wraps("g_tls_backend_get_dtls_server_connection_type")
    public static String dtlsServerConnectionType() {
        return typeName(Gio::g_tls_backend_get_dtls_server_connection_type);
    }

    /** As {@link #dtlsClientConnectionType()}, for {@code g_tls_backend_get_client_connection_type} (TLS). */
    @Wraps("g_tls_backend_get_client_connection_type")
    public static String tlsClientConnectionType() {
        return typeName(Gio::g_tls_backend_get_client_connection_type);
    }

    /** As {@link #dtlsClientConnectionType()}, for {@code g_tls_backend_get_server_connection_type} (TLS). */
    @Wraps("g_tls_backend_get_server_connection_type")
    public static String tlsServerConnectionType() {
        return typeName(Gio::g_tls_backend_get_server_connection_type);
    }

    /** As {@link #dtlsClientConnectionType()}, for {@code g_tls_backend_get_certificate_type}. */
    @Wraps("g_tls_backend_get_certificate_type")
    public static String certificateType() {
        return typeName(Gio::g_tls_backend_get_certificate_type);
    }

    /** As {@link #dtlsClientConnectionType()}, for {@code g_tls_backend_get_file_database_type}. */
    @Wraps("g_tls_backend_get_file_database_type")
    public static String fileDatabaseType() {
        return typeName(Gio::g_tls_backend_get_file_database_type);
    }

    private static String typeName(ToLongFunction<GTlsBackend> getType) {
        return CStrings.borrowed(Glue.gdtls_type_name(getType.applyAsLong(backend())));
    }
}
