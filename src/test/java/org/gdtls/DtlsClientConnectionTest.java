package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
            openssl = new ProcessBuilder("openssl", "s_server", "-dtls1_2",
                    "-accept", "127.0.0.1:" + serverAddress.getPort(),
                    "-cert", pki.resolve("server.pem").toString(), "-key", pki.resolve("server-key.pem").toString(),
                    "-CAfile", pki.resolve("ca.pem").toString(), "-Verify", "1")
                    .redirectErrorStream(true).start();
        } catch (IOException noOpenssl) {
            Assumptions.abort("openssl is not installed");
            return;
        }
        // A ClientHello sent before openssl binds its port comes back as ICMP "port unreachable", which fails the
        // connected socket's next receive with "Connection refused": wait for s_server's "ACCEPT" line first.
        awaitLine(openssl, "ACCEPT");
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TlsDatabase trust = TlsDatabase.fromFile(pki.resolve("ca.pem"));
             TlsCertificate clientCert = TlsCertificate.fromFiles(pki.resolve("client.pem"), pki.resolve("client-key.pem"))) {
            socket.connect(serverAddress);
            try (DtlsClientConnection client = DtlsClientConnection.create(socket, "server.example.com")) {
                client.setDatabase(trust);
                client.setCertificate(clientCert);
                client.handshake();
                assertEquals(ProtocolVersion.DTLS_1_2, client.protocolVersion());
                assertEquals(List.of(new X500Principal("CN=gdtls Test Root CA")), client.acceptedCas());
            }
        } finally {
            openssl.destroyForcibly().waitFor();
        }
    }

    /** Reads the process's output until {@code line}, then drains the rest in the background. */
    private static void awaitLine(Process process, String line) throws Exception {
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.strip().equals(line)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        }, TestThreads.BLOCKING);
        assertTrue(seen.get(10, TimeUnit.SECONDS), "openssl s_server never printed " + line);
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        }, "openssl-output");
        drain.setDaemon(true);
        drain.start();
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
