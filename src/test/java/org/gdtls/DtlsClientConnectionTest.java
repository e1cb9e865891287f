package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GDtlsClientConnection: server identity, validation flags (deprecated), accepted CAs. */
@Timeout(60)
class DtlsClientConnectionTest {

    @Test
    @Covers({"g_dtls_client_connection_get_server_identity", "g_dtls_client_connection_set_server_identity", "GDtlsClientConnection:server-identity"})
    void serverIdentityAsHostNameOrAddress() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertEquals("server.example.com", pair.client.serverIdentity());
            pair.client.setServerIdentity("127.0.0.1");
            assertEquals("127.0.0.1", pair.client.serverIdentity());
            pair.handshake(); // the test server certificate has IP SAN 127.0.0.1
            assertEquals(Set.of(), pair.client.peerCertificateErrors());
        }
    }

    @Test
    @Covers({"g_dtls_client_connection_set_server_identity"})
    void identityMismatchIsBadIdentity() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.client.setServerIdentity("other.example.org");
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, cert, errors) -> seen.add(errors));
            pair.handshake();
            assertEquals(List.of(EnumSet.of(TlsCertificateFlags.BAD_IDENTITY)), seen);
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    @Covers({"g_dtls_client_connection_get_validation_flags", "g_dtls_client_connection_set_validation_flags", "GDtlsClientConnection:validation-flags"})
    void validationFlagsRoundTrip() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertEquals(EnumSet.allOf(TlsCertificateFlags.class), pair.client.validationFlags());
            pair.client.setValidationFlags(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA));
            assertEquals(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA), pair.client.validationFlags());
        }
    }

    /** Interop: OpenSSL's DTLS server asks for a client certificate and names its CA, unlike glib-networking's. */
    @Test
    @Covers({"g_dtls_client_connection_get_accepted_cas", "GDtlsClientConnection:accepted-cas", "g_dtls_connection_set_certificate"})
    void acceptedCasFromAnOpenSslServer() throws Exception {
        InetSocketAddress serverAddress;
        try (UdpSocket probe = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            serverAddress = probe.localAddress(); // a free UDP port for openssl to take
        }
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "s_server", "-dtls1_2", "-quiet",
                    "-accept", "127.0.0.1:" + serverAddress.getPort(),
                    "-cert", pki.resolve("server.pem").toString(), "-key", pki.resolve("server-key.pem").toString(),
                    "-CAfile", pki.resolve("ca.pem").toString(), "-Verify", "1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException noOpenssl) {
            Assumptions.abort("openssl is not installed");
            return;
        }
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TlsDatabase trust = TlsDatabase.fromFile(pki.resolve("ca.pem"));
             TlsCertificate clientCert = TlsCertificate.fromFiles(pki.resolve("client.pem"), pki.resolve("client-key.pem"))) {
            socket.connect(serverAddress);
            try (DtlsClientConnection client = DtlsClientConnection.create(socket, "server.example.com")) {
                client.setDatabase(trust);
                client.setCertificate(clientCert);
                client.handshake(); // if openssl is not listening yet, the 1 s ClientHello resend covers it
                assertEquals(ProtocolVersion.DTLS_1_2, client.protocolVersion());
                assertEquals(List.of(new X500Principal("CN=gdtls Test Root CA")), client.acceptedCas());
            }
        } finally {
            openssl.destroyForcibly().waitFor();
        }
    }

    @Test
    @Covers({"g_dtls_client_connection_get_accepted_cas"})
    void acceptedCasEmptyWhenServerAskedForNothing() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            assertTrue(pair.client.acceptedCas().isEmpty());
        }
    }
}
