package org.gdtls;

import java.util.Objects;

import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GDtlsConnection;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.GTlsDatabase;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.GProperties;
import org.gdtls.internal.glue.NativeLibrary;

/** A {@code GDtlsServerConnection}: the server side of DTLS over a UDP socket connected to its one client. */
public final class DtlsServerConnection extends DtlsConnection {

    private DtlsServerConnection(GDatagramBased owned, DatagramTransport base) {
        super(owned, "DtlsServerConnection", base);
    }

    /**
     * {@code g_dtls_server_connection_new}. As in GIO, {@code certificate} may be null and set later with
     * {@link #setCertificate}; a handshake without one fails on the server with GIO's
     * {@link TlsError#MISC} "Error performing TLS handshake: No supported cipher suites have been found."
     */
    @Wraps(value = {"g_dtls_server_connection_new"}, properties = {"GDtlsConnection:certificate", "GDtlsConnection:base-socket"})
    public static DtlsServerConnection create(DatagramTransport base, TlsCertificate certificate) throws GioException {
        return construct(base, certificate, null,
                (transport, cert, db, error) -> Gio.g_dtls_server_connection_new(transport, cert, error));
    }

    /**
     * {@code g_dtls_server_connection_new} with its {@code database} set at construction: {@code database} validates
     * client certificates, null means none (a server that asks for no client certificate needs none). What GIO's
     * constructor does otherwise costs a server of many peers: glib-networking 2.74 loads the system CA bundle into
     * credentials of every connection's own (about 3.7 MB and 8-26 ms each, measured by S8), even when nothing is
     * ever validated. Setting the database later frees the memory, not the time. The connection takes its own
     * reference to {@code database}.
     */
    @Wraps(value = {"gdtls_dtls_server_connection_new"},
            properties = {"GDtlsConnection:certificate", "GDtlsConnection:base-socket", "GDtlsConnection:database"})
    public static DtlsServerConnection create(DatagramTransport base, TlsCertificate certificate, TlsDatabase database)
            throws GioException {
        return construct(base, certificate, database, Glue::gdtls_dtls_server_connection_new);
    }

    /** A native constructor, called with the transport, the certificate and the database leased (each may be null). */
    @FunctionalInterface
    private interface Constructor {
        GDatagramBased make(GDatagramBased transport, GTlsCertificate certificate, GTlsDatabase database,
                            PointerPointer<GError> error);
    }

    private static DtlsServerConnection construct(DatagramTransport base, TlsCertificate certificate,
                                                  TlsDatabase database, Constructor constructor) throws GioException {
        Objects.requireNonNull(base, "base");
        NativeLibrary.ensureLoaded();
        GDatagramBased transport = TransportLease.acquire(base);
        try {
            GTlsCertificate cert = certificate == null ? null : certificate.handle.acquire();
            try {
                GTlsDatabase db = database == null ? null : database.handle.acquire();
                try {
                    GErrorSlot error = GErrorSlot.ofThread();
                    GDatagramBased conn = constructor.make(transport, cert, db, error.out());
                    error.check();
                    return new DtlsServerConnection(conn, base);
                } finally {
                    if (database != null) {
                        database.handle.release();
                    }
                }
            } finally {
                if (certificate != null) {
                    certificate.handle.release();
                }
            }
        } finally {
            TransportLease.release(base);
        }
    }

    /** The {@code authentication-mode} property (no C accessor): whether the client is asked for a certificate. */
    @Wraps(properties = {"GDtlsServerConnection:authentication-mode"})
    public TlsAuthenticationMode authenticationMode() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsAuthenticationMode.fromCode(GProperties.getEnum(conn, "authentication-mode"));
        } finally {
            handle.release();
        }
    }

    /**
     * Sets {@code authentication-mode} before the handshake. With {@code REQUIRED} and a client that has no
     * certificate, the server's handshake fails at once with {@link TlsError#CERTIFICATE_REQUIRED}; the client
     * only notices after the 60 s give-up timer (bound it with {@link #handshake(java.time.Duration)}). A client
     * certificate that arrives ({@code REQUESTED} or {@code REQUIRED}) is accepted only if an
     * {@link #onAcceptCertificate} listener returns {@code true}, even one that validates against the
     * {@linkplain #setDatabase database}; otherwise the handshake fails with {@link TlsError#BAD_CERTIFICATE}.
     */
    @Wraps(properties = {"GDtlsServerConnection:authentication-mode"})
    public void setAuthenticationMode(TlsAuthenticationMode mode) {
        Objects.requireNonNull(mode, "mode");
        GDtlsConnection conn = handle.acquire();
        try {
            GProperties.setEnum(conn, "authentication-mode", mode.code());
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_server_connection_get_type}: the GType of the {@code GDtlsServerConnection} interface, for interop with other GObject code. */
    @Wraps("g_dtls_server_connection_get_type")
    public static long gtype() {
        NativeLibrary.ensureLoaded();
        return Gio.g_dtls_server_connection_get_type();
    }
}
