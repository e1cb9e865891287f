package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** g_dtls_client_connection_new, g_dtls_server_connection_new, g_dtls_connection_handshake, send/receive_messages. */
@Timeout(60)
class HandshakeTest {

    @Test
    @Covers({"g_dtls_client_connection_new", "g_dtls_server_connection_new", "g_dtls_connection_handshake", "g_dtls_connection_get_protocol_version", "g_dtls_connection_get_ciphersuite_name", "g_dtls_connection_get_peer_certificate_errors", "g_datagram_based_send_messages", "g_datagram_based_receive_messages", "GDtlsConnection:protocol-version", "GDtlsConnection:ciphersuite-name", "GDtlsConnection:peer-certificate-errors", "GDtlsConnection:base-socket"})
    void handshakeAndEchoBothWays() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            assertEquals(ProtocolVersion.DTLS_1_2, pair.client.protocolVersion());
            assertEquals(ProtocolVersion.DTLS_1_2, pair.server.protocolVersion());
            assertNotNull(pair.client.ciphersuiteName());
            assertEquals(pair.client.ciphersuiteName(), pair.server.ciphersuiteName());
            assertTrue(pair.client.peerCertificateErrors().isEmpty(), () -> "" + pair.client.peerCertificateErrors());

            byte[] hello = "hello from the client".getBytes(StandardCharsets.UTF_8);
            pair.client.send(ByteBuffer.allocateDirect(hello.length).put(hello).flip());
            ByteBuffer atServer = ByteBuffer.allocateDirect(2048);
            assertEquals(hello.length, pair.server.receive(atServer, Duration.ofSeconds(5)));
            assertArrayEquals(hello, bytes(atServer.flip()));

            byte[] reply = "and back from the server".getBytes(StandardCharsets.UTF_8);
            pair.server.send(ByteBuffer.wrap(reply)); // heap buffer: copied
            ByteBuffer atClient = ByteBuffer.allocate(2048);
            assertEquals(reply.length, pair.client.receive(atClient, Duration.ofSeconds(5)));
            assertArrayEquals(reply, bytes(atClient.flip()));
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
