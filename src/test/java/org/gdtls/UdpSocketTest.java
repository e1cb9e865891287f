package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UdpSocket's server-side helpers: peekSender (MSG_PEEK) and watch (a socket source on a pump). */
@Timeout(30)
class UdpSocketTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void theReceiveBufferIsWhatTheKernelGives() throws Exception {
        // readAllLines, not readString: procfs reports a size that readString trusts, and it reads one byte of it
        long rmemMax = Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/core/rmem_max"))
                .get(0).strip());
        int asked = (int) Math.min(96 * 1024, rmemMax);
        try (UdpSocket socket = UdpSocket.bind(ANY)) {
            socket.setReceiveBufferSize(asked);
            // socket(7): Linux doubles the value (room for its bookkeeping) and getsockopt returns the doubled one
            assertEquals(2 * asked, socket.receiveBufferSize());
            assertThrows(IllegalArgumentException.class, () -> socket.setReceiveBufferSize(0));
        }
    }

    @Test
    @Covers({"g_datagram_based_receive_messages"})
    void peekSenderNamesTheSenderAndLeavesTheDatagramQueued() throws Exception {
        try (UdpSocket server = UdpSocket.bind(ANY); DatagramSocket peer = new DatagramSocket(ANY)) {
            peer.send(new DatagramPacket(new byte[] {42}, 1, server.localAddress()));
            InetSocketAddress expected = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(expected, server.peekSender(Duration.ofSeconds(5), null));
            assertEquals(expected, server.peekSender(Duration.ZERO, null)); // still there: peeking consumed nothing
        }
    }

    @Test
    void peekSenderTimesOutWithNothingQueued() throws Exception {
        try (UdpSocket server = UdpSocket.bind(ANY)) {
            IOErrorException e = assertThrows(IOErrorException.class, () -> server.peekSender(Duration.ofMillis(100), null));
            assertEquals(IOErrorEnum.TIMED_OUT, e.code());
        }
    }

    @Test
    void peekSenderIsCancellable() throws Exception {
        try (UdpSocket server = UdpSocket.bind(ANY); Cancellable cancel = new Cancellable()) {
            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(cancel::cancel);
            IOErrorException e = assertThrows(IOErrorException.class, () -> server.peekSender(null, cancel));
            assertEquals(IOErrorEnum.CANCELLED, e.code());
        }
    }

    @Test
    @Covers({"g_datagram_based_create_source"})
    void watchCallsBackOnThePumpWhenADatagramArrives() throws Exception {
        try (UdpSocket server = UdpSocket.bind(ANY); DatagramSocket peer = new DatagramSocket(ANY);
             MainContextPump pump = MainContextPump.start("udp-watch")) {
            CompletableFuture<InetSocketAddress> sender = new CompletableFuture<>();
            try (Subscription watching = server.watch(pump, Set.of(IOCondition.IN), null, ready -> {
                try {
                    sender.complete(server.peekSender(Duration.ZERO, null));
                } catch (GioException e) {
                    sender.completeExceptionally(e);
                }
                return false;
            })) {
                peer.send(new DatagramPacket(new byte[] {1}, 1, server.localAddress()));
                assertEquals(peer.getLocalSocketAddress(), sender.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void closedSocketRefusesPeekAndWatch() throws Exception {
        UdpSocket socket = UdpSocket.bind(ANY);
        socket.close();
        assertThrows(IllegalStateException.class, () -> socket.peekSender(Duration.ZERO, null));
        try (MainContextPump pump = MainContextPump.start("udp-closed")) {
            assertThrows(IllegalStateException.class, () -> socket.watch(pump, Set.of(IOCondition.IN), null, r -> false));
        }
    }

    /** A closed Cancellable is refused every time, and the refused call leaves the lease count intact. */
    @Test
    void closedCancellableIsRefusedRepeatedly() throws Exception {
        Cancellable closed = new Cancellable();
        closed.close();
        try (UdpSocket server = UdpSocket.bind(ANY); LoopbackPair pair = LoopbackPair.create()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThrows(IllegalStateException.class, () -> server.peekSender(Duration.ZERO, closed));
                assertThrows(IllegalStateException.class, () -> pair.client.handshake(closed));
                assertThrows(IllegalStateException.class, () -> pair.client.shutdown(false, false, closed));
                assertThrows(IllegalStateException.class,
                        () -> pair.client.receive(new ByteBuffer[] {ByteBuffer.allocateDirect(8)}, 0, 1, Duration.ZERO, closed));
                assertThrows(IllegalStateException.class,
                        () -> pair.client.send(new ByteBuffer[] {ByteBuffer.allocateDirect(8)}, 0, 1, Duration.ZERO, closed));
            }
            pair.handshake(); // both connections are still fine
            assertEquals(1, GObjectOracle.refCount(server.handle.address()));
        }
    }
}
