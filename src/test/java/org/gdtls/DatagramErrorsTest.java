package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Error paths of g_datagram_based_send_messages/receive_messages and g_dtls_connection_close on the real backend. */
@Timeout(60)
class DatagramErrorsTest {

    @Test
    @Covers({"g_datagram_based_receive_messages"})
    void receiveTimeoutIsTimedOut() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            IOErrorException e = assertThrows(IOErrorException.class,
                    () -> pair.client.receive(ByteBuffer.allocateDirect(2048), Duration.ofMillis(200)));
            assertEquals(IOErrorEnum.TIMED_OUT, e.code());
            assertEquals(GioException.IO_ERROR_DOMAIN, e.domain());
        }
    }

    @Test
    @Covers({"g_datagram_based_receive_messages"})
    void zeroTimeoutWithNothingReadyIsWouldBlock() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            IOErrorException e = assertThrows(IOErrorException.class,
                    () -> pair.client.receive(ByteBuffer.allocateDirect(2048), Duration.ZERO));
            assertEquals(IOErrorEnum.WOULD_BLOCK, e.code());
        }
    }

    @Test
    @Covers({"g_datagram_based_send_messages"})
    void messageOverMtuIsMessageTooLargeAndConnectionStaysUsable() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            ByteBuffer big = ByteBuffer.allocateDirect(2000);
            IOErrorException e = assertThrows(IOErrorException.class, () -> pair.client.send(big));
            assertEquals(IOErrorEnum.MESSAGE_TOO_LARGE, e.code());
            assertEquals(0, big.position()); // nothing was sent

            ByteBuffer small = ByteBuffer.allocateDirect(100);
            pair.client.send(small);
            assertEquals(100, pair.server.receive(ByteBuffer.allocateDirect(2048), Duration.ofSeconds(5)));
        }
    }

    @Test
    @Covers({"g_dtls_connection_shutdown"})
    void ioAfterGioShutdownIsClosedFromGio() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            pair.client.shutdown(true, true);
            IOErrorException e = assertThrows(IOErrorException.class, () -> pair.client.send(ByteBuffer.allocateDirect(10)));
            assertEquals(IOErrorEnum.CLOSED, e.code());
        }
    }

    @Test
    @Covers({"g_dtls_connection_close", "g_datagram_based_receive_messages"})
    void ioAfterCloseIsClosedAndPeerSeesEndOfStream() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            pair.client.close();
            pair.client.close(); // closing twice is fine
            IOErrorException send = assertThrows(IOErrorException.class,
                    () -> pair.client.send(ByteBuffer.allocateDirect(10)));
            assertEquals(IOErrorEnum.CLOSED, send.code());
            IOErrorException receive = assertThrows(IOErrorException.class,
                    () -> pair.client.receive(ByteBuffer.allocateDirect(10)));
            assertEquals(IOErrorEnum.CLOSED, receive.code());
            assertThrows(IllegalStateException.class, pair.client::protocolVersion);
            // close_notify reached the server: its receive reports the end of the stream.
            assertEquals(-1, pair.server.receive(ByteBuffer.allocateDirect(2048), Duration.ofSeconds(5)));
        }
    }

    @Test
    @Covers({"g_dtls_server_connection_new", "g_dtls_connection_handshake"})
    void serverWithoutCertificateFailsTheHandshake() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(null, null)) {
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            // GIO's own error (as in C): GnuTLS finds no cipher suite it could use without a certificate.
            TlsErrorException server = assertInstanceOf(TlsErrorException.class, outcome.server());
            assertEquals(TlsError.MISC, server.code());
            assertTrue(server.getMessage().contains("No supported cipher suites"), server.getMessage());
            // The client got no answer: it was cancelled, not left to its 60 s timer.
            assertEquals(IOErrorEnum.CANCELLED, assertInstanceOf(IOErrorException.class, outcome.client()).code());
        }
    }

    @Test
    @Covers({"g_datagram_based_send_messages", "g_datagram_based_receive_messages"})
    void batchOfMessagesInOneCall() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            ByteBuffer[] out = new ByteBuffer[8];
            for (int i = 0; i < out.length; i++) {
                out[i] = ByteBuffer.allocateDirect(100 + i);
                out[i].put(0, (byte) i);
            }
            assertEquals(8, pair.client.send(out, 0, out.length, null));
            for (ByteBuffer b : out) {
                assertEquals(0, b.remaining());
            }
            ByteBuffer[] in = new ByteBuffer[8];
            for (int i = 0; i < in.length; i++) {
                in[i] = ByteBuffer.allocateDirect(2048);
            }
            int received = 0;
            while (received < 8) {
                received += pair.server.receive(in, received, 8 - received, Duration.ofSeconds(5));
            }
            for (int i = 0; i < in.length; i++) {
                assertEquals(100 + i, in[i].position());
                assertEquals((byte) i, in[i].get(0));
            }
        }
    }

    @Test
    @Covers({"g_socket_new", "g_socket_connect", "g_socket_get_local_address", "g_socket_get_remote_address"})
    void unboundSocketIsBoundByConnect() throws Exception {
        try (UdpSocket socket = UdpSocket.open(java.net.StandardProtocolFamily.INET6)) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("::1"), 9));
            assertTrue(socket.localAddress().getPort() > 0);
            assertEquals(InetAddress.getByName("::1"), socket.remoteAddress().getAddress());
        }
    }

    @Test
    @Covers({"g_socket_bind", "g_socket_get_local_address", "g_socket_get_remote_address", "g_socket_connect", "g_socket_close"})
    void socketAddresses() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress local = socket.localAddress();
            assertEquals(InetAddress.getLoopbackAddress(), local.getAddress());
            IOErrorException e = assertThrows(IOErrorException.class, socket::remoteAddress);
            assertEquals(IOErrorEnum.NOT_CONNECTED, e.code());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
            assertEquals(9, socket.remoteAddress().getPort());
        }
    }
}
