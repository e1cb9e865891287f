package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GTlsBackend, each answer checked against libgio called through jnr-ffi (no code shared with the JavaCPP
 * layer), and the default database's effect on a real handshake.
 */
@Timeout(60)
class TlsBackendTest {
    /** The libgio functions the oracle needs. */
    public interface LibGio {
        Pointer g_tls_backend_get_default();

        int g_tls_backend_supports_dtls(Pointer backend);

        int g_tls_backend_supports_tls(Pointer backend);

        long g_tls_backend_get_dtls_client_connection_type(Pointer backend);

        long g_tls_backend_get_dtls_server_connection_type(Pointer backend);

        long g_tls_backend_get_client_connection_type(Pointer backend);

        long g_tls_backend_get_server_connection_type(Pointer backend);

        long g_tls_backend_get_certificate_type(Pointer backend);

        long g_tls_backend_get_file_database_type(Pointer backend);

        long g_tls_database_get_type();
    }

    private static final LibGio GIO = LibraryLoader.create(LibGio.class).load("gio-2.0");

    @Test
    @Covers({"g_tls_backend_get_default", "g_tls_backend_supports_dtls", "g_tls_backend_supports_tls"})
    void answersAsC() throws Exception {
        Pointer backend = GIO.g_tls_backend_get_default();
        assertEquals(GObjectOracle.typeName(backend.address()), TlsBackend.typeName());
        assertEquals(TlsBackend.typeName(), Gdtls.tlsBackendName());
        assertEquals(GIO.g_tls_backend_supports_dtls(backend) != 0, TlsBackend.supportsDtls());
        assertEquals(GIO.g_tls_backend_supports_tls(backend) != 0, TlsBackend.supportsTls());
        System.out.println(TlsBackend.typeName() + ": supports_dtls=" + TlsBackend.supportsDtls()
                + " supports_tls=" + TlsBackend.supportsTls());
        // whatever supports_dtls answers (glib-networking: FALSE), DTLS works
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            assertEquals(ProtocolVersion.DTLS_1_2, pair.client.protocolVersion());
        }
    }

    @Test
    @Covers({"g_tls_backend_get_dtls_client_connection_type", "g_tls_backend_get_dtls_server_connection_type",
            "g_tls_backend_get_client_connection_type", "g_tls_backend_get_server_connection_type",
            "g_tls_backend_get_certificate_type", "g_tls_backend_get_file_database_type"})
    void typesAsCAndAsCreated() throws Exception {
        Pointer backend = GIO.g_tls_backend_get_default();
        assertEquals(GObjectOracle.gtypeName(GIO.g_tls_backend_get_dtls_client_connection_type(backend)),
                TlsBackend.dtlsClientConnectionType());
        assertEquals(GObjectOracle.gtypeName(GIO.g_tls_backend_get_dtls_server_connection_type(backend)),
                TlsBackend.dtlsServerConnectionType());
        assertEquals(GObjectOracle.gtypeName(GIO.g_tls_backend_get_client_connection_type(backend)),
                TlsBackend.tlsClientConnectionType());
        assertEquals(GObjectOracle.gtypeName(GIO.g_tls_backend_get_server_connection_type(backend)),
                TlsBackend.tlsServerConnectionType());
        assertEquals(GObjectOracle.gtypeName(GIO.g_tls_backend_get_certificate_type(backend)),
                TlsBackend.certificateType());
        assertEquals(GObjectOracle.gtypeName(GIO.g_tls_backend_get_file_database_type(backend)),
                TlsBackend.fileDatabaseType());
        // and they are the types of the objects the binding creates
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                     LoopbackPair.pki("server-key.pem"));
             TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            assertEquals(GObjectOracle.typeName(pair.client.handle.address()), TlsBackend.dtlsClientConnectionType());
            assertEquals(GObjectOracle.typeName(pair.server.handle.address()), TlsBackend.dtlsServerConnectionType());
            assertEquals(GObjectOracle.typeName(cert.handle.address()), TlsBackend.certificateType());
            assertEquals(GObjectOracle.typeName(db.handle.address()), TlsBackend.fileDatabaseType());
        }
        System.out.println("dtls client " + TlsBackend.dtlsClientConnectionType() + ", server "
                + TlsBackend.dtlsServerConnectionType() + "; tls client " + TlsBackend.tlsClientConnectionType()
                + ", server " + TlsBackend.tlsServerConnectionType());
    }

    @Test
    @Covers({"g_tls_backend_get_default_database"})
    void defaultDatabaseIsTheSystemDefault() {
        try (TlsDatabase a = TlsBackend.defaultDatabase(); TlsDatabase b = TlsDatabase.systemDefault()) {
            assertNotNull(a);
            assertEquals(a.handle.address(), b.handle.address());
            assertTrue(GObjectOracle.isA(a.handle.address(), GIO.g_tls_database_get_type()));
            System.out.println("system default database: " + GObjectOracle.typeName(a.handle.address()));
        }
    }

    /**
     * A client with no database of its own validates against the default one, read at its handshake: with the
     * test CA as default, a server the CA signed is accepted without asking; once restored (null), it is not.
     * The default is process-global: restored in finally.
     */
    @Test
    @Covers({"g_tls_backend_set_default_database", "g_tls_backend_get_default_database"})
    void setDefaultDatabaseServesLaterConnections() throws Exception {
        long systemDb;
        try (TlsDatabase system = TlsBackend.defaultDatabase()) {
            systemDb = system.handle.address();
        }
        assertEquals(Set.of(TlsCertificateFlags.UNKNOWN_CA), handshakeWithoutDatabase(), "before");
        long caDb;
        try {
            try (TlsDatabase ca = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                caDb = ca.handle.address();
                int before = GObjectOracle.refCount(caDb);
                TlsBackend.setDefaultDatabase(ca);
                assertEquals(before + 1, GObjectOracle.refCount(caDb), "GIO takes a reference of its own");
            } // the wrapper's reference is gone: GIO's keeps the database alive
            try (TlsDatabase current = TlsBackend.defaultDatabase()) {
                assertEquals(caDb, current.handle.address());
            }
            assertEquals(Set.of(), handshakeWithoutDatabase(), "with the test CA as default");
        } finally {
            TlsBackend.setDefaultDatabase(null);
        }
        try (TlsDatabase restored = TlsBackend.defaultDatabase()) {
            assertNotNull(restored);
            System.out.println("system default before " + Long.toHexString(systemDb) + ", after restore "
                    + Long.toHexString(restored.handle.address()));
        }
        assertEquals(Set.of(TlsCertificateFlags.UNKNOWN_CA), handshakeWithoutDatabase(), "after restore");
    }

    /**
     * A handshake whose client has no database set, against server.pem (signed by the test CA): the errors its
     * accept-certificate listener saw (empty if it was not asked), and the listener accepts.
     */
    private static Set<TlsCertificateFlags> handshakeWithoutDatabase() throws Exception {
        UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpSocket clientSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        serverSocket.connect(clientSocket.localAddress());
        clientSocket.connect(serverSocket.localAddress());
        try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                LoopbackPair.pki("server-key.pem"));
             LoopbackPair pair = LoopbackPair.of(clientSocket, serverSocket,
                     DtlsClientConnection.create(clientSocket, "server.example.com"),
                     DtlsServerConnection.create(serverSocket, cert))) {
            @SuppressWarnings("unchecked")
            Set<TlsCertificateFlags>[] seen = new Set[] {Set.of()};
            pair.client.onAcceptCertificate((c, peer, errors) -> {
                seen[0] = errors;
                return true;
            });
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertNull(outcome.client());
            assertNull(outcome.server());
            assertTrue(pair.client.peerCertificateErrors().equals(seen[0]));
            return seen[0];
        }
    }

    @Test
    @Covers({"g_tls_backend_set_default_database"})
    void closedDatabaseIsRefused() throws Exception {
        TlsDatabase closed = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
        closed.close();
        assertThrows(IllegalStateException.class, () -> TlsBackend.setDefaultDatabase(closed));
        try (TlsDatabase current = TlsBackend.defaultDatabase(); TlsDatabase system = TlsDatabase.systemDefault()) {
            assertEquals(system.handle.address(), current.handle.address()); // unchanged
        }
    }
}
