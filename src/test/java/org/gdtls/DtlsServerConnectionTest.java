package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GDtlsServerConnection: g_dtls_server_connection_new and the authentication-mode property. */
@Timeout(60)
class DtlsServerConnectionTest {

    @Test
    void constructedWithItsDatabaseOrWithNone() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
             TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"));
             TlsDatabase ca = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            try (DtlsServerConnection none = DtlsServerConnection.create(socket, cert, null)) {
                assertEquals(0L, GObjectOracle.property(none.handle.address(), "database"));
                assertEquals(cert.handle.address(), GObjectOracle.property(none.handle.address(), "certificate"));
            }
            try (DtlsServerConnection withCa = DtlsServerConnection.create(socket, cert, ca)) {
                assertEquals(ca.handle.address(), GObjectOracle.property(withCa.handle.address(), "database"));
            }
            try (DtlsServerConnection gioDefault = DtlsServerConnection.create(socket, cert);
                 TlsDatabase system = TlsBackend.defaultDatabase()) {
                assertEquals(system.handle.address(), GObjectOracle.property(gioDefault.handle.address(), "database"),
                        "g_dtls_server_connection_new gives the backend's default database");
            }
        }
    }

    @Test
    @Covers({"GDtlsServerConnection:authentication-mode"})
    void authenticationModeDefaultsToNoneAndRoundTrips() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertEquals(TlsAuthenticationMode.NONE, pair.server.authenticationMode());
            for (TlsAuthenticationMode mode : TlsAuthenticationMode.values()) {
                pair.server.setAuthenticationMode(mode);
                assertEquals(mode, pair.server.authenticationMode());
            }
        }
    }

    @Test
    @Covers({"GDtlsServerConnection:authentication-mode"})
    void requiredWithoutClientCertificateFailsServerWithCertificateRequired() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(TlsError.CERTIFICATE_REQUIRED,
                    assertInstanceOf(TlsErrorException.class, outcome.server()).code());
            // The client gets no alert and would wait 60 s: handshakeBoth cancelled it.
            assertEquals(IOErrorEnum.CANCELLED, assertInstanceOf(IOErrorException.class, outcome.client()).code());
        }
    }

    /** A client certificate set with setCertificate before the handshake is enough: no TlsInteraction. */
    @Test
    @Covers({"g_dtls_connection_set_certificate", "GDtlsConnection:certificate", "g_dtls_connection_get_peer_certificate", "GDtlsConnection:peer-certificate", "GDtlsConnection::accept-certificate"})
    void requiredWithClientCertificateEmitsServerSideAcceptCertificate() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate clientCert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"))) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.client.setCertificate(clientCert);
            assertNull(pair.client.interaction());
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            // The server's default database (the system's) does not know the test CA.
            pair.server.onAcceptCertificate((conn, cert, errors) -> seen.add(errors) && cert.isSame(clientCert));
            pair.handshake();
            assertEquals(List.of(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA)), seen);
            try (TlsCertificate peer = pair.server.peerCertificate()) {
                assertTrue(peer.isSame(clientCert));
            }
        }
    }

    /**
     * glib-networking 2.74 accepts a client certificate only through accept-certificate: unlike the client side,
     * a server emits it even when validation found nothing wrong, and rejects the certificate if no handler
     * returns true.
     */
    @Test
    void trustedClientCertificateIsStillOfferedToAcceptCertificate() throws Exception {
        try (LoopbackPair pair = requiredTrustedClientCertificate()) {
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            pair.server.onAcceptCertificate((conn, cert, errors) -> seen.add(errors));
            pair.handshake();
            assertEquals(List.of(Set.of()), seen);
            assertEquals(Set.of(), pair.server.peerCertificateErrors());
            // glib-networking's server sends no CA list (see DtlsClientConnectionTest for a server that does).
            assertEquals(List.of(), pair.client.acceptedCas());
        }
    }

    @Test
    void trustedClientCertificateWithoutListenerIsRejected() throws Exception {
        try (LoopbackPair pair = requiredTrustedClientCertificate()) {
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(TlsError.BAD_CERTIFICATE, assertInstanceOf(TlsErrorException.class, outcome.server()).code());
        }
    }

    /** REQUESTED is no different once a certificate arrives: without a listener accepting it, it is refused. */
    @Test
    void requestedTrustedClientCertificateWithoutListenerIsRejected() throws Exception {
        try (LoopbackPair pair = requiredTrustedClientCertificate()) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUESTED);
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(TlsError.BAD_CERTIFICATE, assertInstanceOf(TlsErrorException.class, outcome.server()).code());
        }
    }

    @Test
    @Covers({"GDtlsServerConnection:authentication-mode", "g_dtls_connection_get_peer_certificate"})
    void requestedWithoutClientCertificateSucceeds() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUESTED);
            pair.handshake();
            assertNull(pair.server.peerCertificate());
        }
    }

    /** Server REQUIRED, trusting the test CA; client presenting the CA-signed client certificate. */
    private static LoopbackPair requiredTrustedClientCertificate() throws GioException {
        LoopbackPair pair = LoopbackPair.create();
        try (TlsDatabase trust = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate clientCert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"))) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.server.setDatabase(trust);      // the connections keep their own references
            pair.client.setCertificate(clientCert);
        }
        return pair;
    }
}
