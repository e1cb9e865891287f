package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * g_datagram_based_condition_check and _wait on DTLS connections and on UDP sockets, against the real backend.
 * The 30 s bounds below only keep a broken build from hanging; nothing depends on how fast anything is.
 */
@Timeout(90)
class ConditionWaitTest {
    private static final Set<IOCondition> IN = Set.of(IOCondition.IN);
    private static final Set<IOCondition> OUT = Set.of(IOCondition.OUT);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    @Covers({"g_datagram_based_condition_check", "g_datagram_based_condition_wait"})
    void checkOnAHandshakenConnection() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            assertEquals(OUT, pair.client.conditionCheck(OUT));
            assertEquals(Set.of(), pair.server.conditionCheck(IN), "nothing sent yet");
            pair.client.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            assertTrue(pair.server.conditionWait(IN, LONG, null));
            assertEquals(IN, pair.server.conditionCheck(IN));
            ByteBuffer buffer = ByteBuffer.allocate(100);
            assertEquals(4, pair.server.receive(buffer));
            assertEquals(Set.of(), pair.server.conditionCheck(IN), "the datagram was received");
            assertThrows(IllegalArgumentException.class, () -> pair.server.conditionCheck(Set.of()));
            assertThrows(IllegalArgumentException.class, () -> pair.server.conditionWait(Set.of(), LONG, null));
            assertThrows(NullPointerException.class, () -> pair.server.conditionCheck(null));
        }
    }

    /**
     * glib-networking's own wait busy-loops once the connection has done I/O, and its timeout never fires there:
     * the binding's deadline ends it. Before any I/O GIO's own timeout ends it.
     */
    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void waitReturnsFalseAtItsTimeout() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertFalse(pair.server.conditionWait(IN, Duration.ofMillis(200), null), "before any handshake");
            pair.handshake();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu = threads.getCurrentThreadCpuTime();
            assertFalse(pair.server.conditionWait(IN, Duration.ofMillis(200), null), "after the handshake");
            // informational (no assertion on time): how much CPU glib-networking's wait used for 200 ms
            System.out.println("CPU used by a 200 ms wait on a handshaken connection: "
                    + (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000 + " ms");
            assertFalse(pair.server.conditionWait(IN, Duration.ZERO, null), "zero: checks once");
            assertTrue(pair.client.conditionWait(OUT, Duration.ZERO, null));
        }
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void waitReturnsWhenADatagramArrives() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> wait(pair.server, IN, null, null),
                    TestThreads.BLOCKING);
            pair.client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertTrue(waiting.get(60, TimeUnit.SECONDS));
            assertEquals(3, pair.server.receive(ByteBuffer.allocate(10), LONG));
        }
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void cancelEndsAnUnboundedWait() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); Cancellable cancellable = new Cancellable()) {
            pair.handshake();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
                    () -> wait(pair.server, IN, null, cancellable), TestThreads.BLOCKING);
            cancellable.cancel();
            assertEquals(IOErrorEnum.CANCELLED, failure(waiting).code());
            assertEquals(IOErrorEnum.CANCELLED, assertThrows(IOErrorException.class,
                    () -> pair.server.conditionWait(OUT, Duration.ZERO, cancellable)).code(), "zero timeout too");
            assertTrue(pair.server.conditionCheck(OUT).contains(IOCondition.OUT), "the connection is still usable");
        }
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void closeWakesAWait() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> wait(pair.server, IN, null, null),
                    TestThreads.BLOCKING);
            pair.server.close();
            assertEquals(IOErrorEnum.CLOSED, failure(waiting).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> pair.server.conditionWait(IN, LONG, null)).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> pair.server.conditionWait(OUT, Duration.ZERO, null)).code());
            assertThrows(IllegalStateException.class, () -> pair.server.conditionCheck(IN));
        }
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void closingTheBaseSocketWakesAConnectionsWait() throws Exception {
        LoopbackPair pair = LoopbackPair.create();
        try {
            pair.handshake();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> wait(pair.server, IN, null, null),
                    TestThreads.BLOCKING);
            pair.serverSocket.close();
            assertEquals(IOErrorEnum.CLOSED, failure(waiting).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> pair.server.conditionWait(OUT, Duration.ZERO, null)).code(), "zero timeout too");
        } finally {
            // the server's close_notify has no socket left: its close reports CLOSED, as any I/O on it would
            IOErrorException e = assertThrows(IOErrorException.class, pair::close);
            assertEquals(IOErrorEnum.CLOSED, e.code());
        }
    }

    /**
     * During a handshake the connection reports nothing; a blocking wait on the handshake's own thread (here an
     * accept-certificate listener of a sync handshake) is refused as GIO refuses blocking I/O there, and a wait on
     * another thread ends once the handshake has.
     */
    @Test
    @Covers({"g_datagram_based_condition_check", "g_datagram_based_condition_wait"})
    void duringAHandshake() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            List<Object> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<CompletableFuture<Boolean>> other = new CompletableFuture<>();
            pair.client.onAcceptCertificate((c, peer, errors) -> {
                seen.add(c.conditionCheck(OUT));
                try {
                    seen.add(c.conditionWait(OUT, Duration.ZERO, null));
                } catch (GioException e) {
                    seen.add(e);
                }
                try {
                    c.conditionWait(OUT, LONG, null);
                    seen.add("blocking wait allowed");
                } catch (GioException e) {
                    seen.add(e instanceof IOErrorException io ? io.code() : e);
                }
                other.complete(CompletableFuture.supplyAsync(() -> wait(c, OUT, LONG, null), TestThreads.BLOCKING));
                return true;
            });
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertNull(outcome.client());
            assertNull(outcome.server());
            assertEquals(List.of(Set.of(), false, IOErrorEnum.FAILED), seen);
            assertTrue(other.get(30, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    @Covers({"g_datagram_based_condition_check", "g_datagram_based_condition_wait"})
    void onAUdpSocket() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Cancellable cancellable = new Cancellable()) {
            assertEquals(OUT, socket.conditionCheck(OUT));
            assertEquals(Set.of(), socket.conditionCheck(IN));
            assertFalse(socket.conditionWait(IN, Duration.ofMillis(200), null));
            assertFalse(socket.conditionWait(IN, Duration.ZERO, null));

            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> wait(socket, IN, null, null),
                    TestThreads.BLOCKING);
            peer.send(new DatagramPacket(new byte[] {7}, 1, socket.localAddress()));
            assertTrue(waiting.get(60, TimeUnit.SECONDS));
            assertEquals(IN, socket.conditionCheck(IN));
            socket.receiveFrom(ByteBuffer.allocate(10), LONG, null);

            CompletableFuture<Boolean> cancelled = CompletableFuture.supplyAsync(
                    () -> wait(socket, IN, null, cancellable), TestThreads.BLOCKING);
            cancellable.cancel();
            assertEquals(IOErrorEnum.CANCELLED, failure(cancelled).code());

            CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> wait(socket, IN, null, null),
                    TestThreads.BLOCKING);
            socket.close();
            assertEquals(IOErrorEnum.CLOSED, failure(closed).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> socket.conditionWait(IN, LONG, null)).code());
            assertThrows(IllegalStateException.class, () -> socket.conditionCheck(IN));
        }
    }

    private interface Waiter {
        boolean conditionWait(Set<IOCondition> conditions, Duration timeout, Cancellable cancellable)
                throws GioException;
    }

    private static boolean wait(DtlsConnection c, Set<IOCondition> conditions, Duration timeout, Cancellable cancel) {
        return wait((Waiter) c::conditionWait, conditions, timeout, cancel);
    }

    private static boolean wait(UdpSocket s, Set<IOCondition> conditions, Duration timeout, Cancellable cancel) {
        return wait((Waiter) s::conditionWait, conditions, timeout, cancel);
    }

    private static boolean wait(Waiter w, Set<IOCondition> conditions, Duration timeout, Cancellable cancel) {
        try {
            return w.conditionWait(conditions, timeout, cancel);
        } catch (GioException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The IOErrorException a wait failed with (bounded: a wait that never ends fails the test). */
    private static IOErrorException failure(CompletableFuture<Boolean> waiting) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(60, TimeUnit.SECONDS));
        return assertInstanceOf(IOErrorException.class, e.getCause().getCause());
    }
}
