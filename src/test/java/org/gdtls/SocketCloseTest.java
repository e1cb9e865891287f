package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UdpSocket.close() under a thread blocked on the socket. In C, g_socket_close leaves a poll(2) in progress
 * blocked (close(2) does not wake it), and once the descriptor number is reused the old receive reads the new
 * socket. Here the blocked call fails with CLOSED at once, and the number is never reused while a call may still
 * use it. Each blocked call also has a Cancellable, so that a failure of this test ends instead of hanging.
 */
@Timeout(60)
class SocketCloseTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    @Covers({"g_socket_close", "gdtls_socket_shut"})
    void closingTheSocketWakesABlockedConnectionReceiveWithClosed() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); Cancellable safety = new Cancellable()) {
            pair.handshake();
            CompletableFuture<Exception> receive = blockedReceive(pair.client, safety);
            waitUntilBlocked(receive);
            pair.clientSocket.close();
            Exception e = outcome(receive, safety);
            assertEquals(IOErrorEnum.CLOSED, assertInstanceOf(IOErrorException.class, e).code(), e.toString());
            closeReportsClosed(pair.client);
        }
    }

    @Test
    void closingTheSocketWakesABlockedSocketReceiveWithClosed() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(LOOPBACK); Cancellable safety = new Cancellable()) {
            CompletableFuture<Exception> receive = CompletableFuture.supplyAsync(() -> {
                try {
                    socket.receiveFrom(ByteBuffer.allocateDirect(100), null, safety);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            }, TestThreads.BLOCKING);
            waitUntilBlocked(receive);
            socket.close();
            Exception e = outcome(receive, safety);
            assertEquals(IOErrorEnum.CLOSED, assertInstanceOf(IOErrorException.class, e).code(), e.toString());
        }
    }

    @Test
    void aWokenReceiveNeverReadsTheNextSocketsDatagrams() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); Cancellable safety = new Cancellable()) {
            pair.handshake();
            CompletableFuture<Exception> receive = blockedReceive(pair.client, safety);
            waitUntilBlocked(receive);
            pair.clientSocket.close();
            // The sockets opened next must not get the old one's descriptor number while its connection lives.
            try (UdpSocket next = UdpSocket.bind(LOOPBACK); DatagramSocket sender = new DatagramSocket()) {
                byte[] text = "for the new socket".getBytes(StandardCharsets.UTF_8);
                sender.send(new DatagramPacket(text, text.length, next.localAddress()));
                ByteBuffer got = ByteBuffer.allocate(100);
                next.receiveFrom(got, Duration.ofSeconds(10), null);
                assertEquals("for the new socket", new String(got.array(), 0, got.position(), StandardCharsets.UTF_8));
                Exception e = outcome(receive, safety);
                assertEquals(IOErrorEnum.CLOSED, assertInstanceOf(IOErrorException.class, e).code(), e.toString());
            }
            closeReportsClosed(pair.client);
        }
    }

    @Test
    void callsOnAConnectionAfterItsSocketClosedFailWithClosed() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            pair.clientSocket.close();
            IOErrorException send = assertThrows(IOErrorException.class,
                    () -> pair.client.send(ByteBuffer.wrap(new byte[] {1})));
            assertEquals(IOErrorEnum.CLOSED, send.code(), send.toString());
            IOErrorException receive = assertThrows(IOErrorException.class,
                    () -> pair.client.receive(ByteBuffer.allocate(10), Duration.ofSeconds(5)));
            assertEquals(IOErrorEnum.CLOSED, receive.code(), receive.toString());
            closeReportsClosed(pair.client);
        }
    }

    @Test
    void closingTheSocketFailsAPendingReceiveAsyncWithClosed() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); MainContextPump pump = MainContextPump.start("socket-close")) {
            pair.handshake();
            CompletableFuture<Integer> receive = pair.client.receiveAsync(ByteBuffer.allocate(100), pump);
            pair.clientSocket.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> receive.get(30, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.CLOSED, assertInstanceOf(IOErrorException.class, e.getCause()).code(),
                    e.getCause().toString());
            closeReportsClosed(pair.client);
        }
    }

    @Test
    void theDescriptorIsFreedWhenTheLastConnectionOverTheSocketCloses() throws Exception {
        wakeAndClose(); // first, so that what the JVM opens once (classes, threads) is open before counting
        long before = openDescriptors();
        wakeAndClose();
        assertEquals(before, openDescriptors(), "descriptors before the pair and after closing it");
    }

    private static void wakeAndClose() throws Exception {
        LoopbackPair pair = LoopbackPair.create();
        try (Cancellable safety = new Cancellable()) {
            pair.handshake();
            CompletableFuture<Exception> receive = blockedReceive(pair.client, safety);
            waitUntilBlocked(receive);
            pair.clientSocket.close();
            outcome(receive, safety);
            closeReportsClosed(pair.client);
        } finally {
            pair.close();
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsReportTheClosedWrapper() throws Exception {
        UdpSocket socket = UdpSocket.bind(LOOPBACK);
        socket.close();
        socket.close();
        assertThrows(IllegalStateException.class, socket::localAddress);
    }

    /** As in C: the close_notify cannot be sent any more, so g_dtls_connection_close fails; the wrapper is closed. */
    private static void closeReportsClosed(DtlsConnection connection) {
        IOErrorException e = assertThrows(IOErrorException.class, connection::close);
        assertEquals(IOErrorEnum.CLOSED, e.code(), e.toString());
        assertTrue(connection.isClosed());
    }

    private static CompletableFuture<Exception> blockedReceive(DtlsConnection connection, Cancellable safety) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                connection.receive(new ByteBuffer[] {ByteBuffer.allocateDirect(2048)}, 0, 1, null, safety);
                return null;
            } catch (Exception e) {
                return e;
            }
        }, TestThreads.BLOCKING);
    }

    /**
     * The receive has had its chance to block in poll(2). Nothing observable says a thread is inside the
     * syscall, so this waits a little; the test is valid either way (a receive that had not blocked yet must
     * fail with CLOSED too), only weaker if it had not.
     */
    private static void waitUntilBlocked(CompletableFuture<Exception> receive) throws InterruptedException {
        Thread.sleep(200);
        assertTrue(!receive.isDone(), () -> "the receive ended by itself: " + receive.join());
    }

    /** The blocked call's outcome; if the close did not end it, the safety cancel does and the test fails. */
    private static Exception outcome(CompletableFuture<Exception> receive, Cancellable safety) throws Exception {
        try {
            return receive.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException stillBlocked) {
            safety.cancel();
            Exception e = receive.get(20, TimeUnit.SECONDS);
            throw new AssertionError("closing the socket did not wake the receive; the cancel ended it: " + e);
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the listing's own descriptor
        }
    }
}
