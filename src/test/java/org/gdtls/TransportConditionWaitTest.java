package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.ObjectHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * g_datagram_based_condition_check and _wait on the transports of the glue: FilteredTransport (the base's),
 * PeerTransport and CustomTransport (the queue of GdtlsPeerDatagram, which sleeps on a GCond until a delivery).
 * Every test runs once per kind of transport, and the native wait of the peer transport is compared with
 * GSocket's own. The 30 s and 60 s bounds only keep a broken build from hanging; nothing depends on speed.
 */
@Timeout(90)
class TransportConditionWaitTest {
    private static final Set<IOCondition> IN = Set.of(IOCondition.IN);
    private static final Set<IOCondition> OUT = Set.of(IOCondition.OUT);
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A transport under test, with a way to make a datagram arrive on it. */
    private interface Rig extends AutoCloseable {
        DatagramTransport transport();

        /** A datagram arrives: delivered, or sent to the UDP socket underneath. */
        void arrive() throws Exception;

        /** Takes the arrived datagram off the transport, as a connection's receive would. */
        void consume() throws Exception;

        /** Closes the transport's own wrapper. */
        void closeTransport() throws Exception;

        @Override
        void close();
    }

    /** A FilteredTransport keeping every datagram, over a UDP socket that a JDK socket sends to. */
    private static final class FilteredRig implements Rig {
        final UdpSocket socket = UdpSocket.bind(LOOPBACK);
        final FilteredTransport filtered = FilteredTransport.over(socket, (direction, serial, length) -> true);
        final DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress());

        FilteredRig() throws Exception {}

        @Override
        public DatagramTransport transport() {
            return filtered;
        }

        @Override
        public void arrive() throws Exception {
            sender.send(new DatagramPacket(new byte[] {7}, 1, socket.localAddress()));
        }

        @Override
        public void consume() throws Exception {
            socket.receiveFrom(ByteBuffer.allocate(16), LONG, null);
        }

        @Override
        public void closeTransport() {
            filtered.close();
        }

        @Override
        public void close() {
            filtered.close();
            socket.close();
            sender.close();
        }
    }

    /** A queued transport: arrivals are delivered, and consumed by a receive through GIO. */
    private abstract static class QueuedRig implements Rig {
        abstract QueuedTransport queued();

        @Override
        public DatagramTransport transport() {
            return queued();
        }

        @Override
        public void arrive() {
            assertTrue(queued().deliver(ByteBuffer.wrap(new byte[] {7})));
        }

        @Override
        public void consume() throws Exception {
            receiveNatively(queued().handle);
        }

        @Override
        public void closeTransport() {
            queued().close();
        }
    }

    /** A PeerTransport for a JDK socket's address on a shared UDP socket. */
    private static final class PeerRig extends QueuedRig {
        final UdpSocket shared = UdpSocket.bind(LOOPBACK);
        final DatagramSocket remote = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        final PeerTransport peer = PeerTransport.create(shared, (InetSocketAddress) remote.getLocalSocketAddress());

        PeerRig() throws Exception {}

        @Override
        QueuedTransport queued() {
            return peer;
        }

        @Override
        public void close() {
            peer.close();
            shared.close();
            remote.close();
        }
    }

    /** A CustomTransport whose sends go nowhere. */
    private static final class CustomRig extends QueuedRig {
        final CustomTransport custom = CustomTransport.create(datagram -> { });

        @Override
        QueuedTransport queued() {
            return custom;
        }

        @Override
        public void close() {
            custom.close();
        }
    }

    private interface RigTest {
        void run(Rig rig) throws Exception;
    }

    /** {@code test} on a fresh transport of each kind. */
    private static void onEachTransport(RigTest test) throws Exception {
        for (Class<?> kind : List.of(FilteredRig.class, PeerRig.class, CustomRig.class)) {
            try (Rig rig = kind == FilteredRig.class ? new FilteredRig()
                    : kind == PeerRig.class ? new PeerRig() : new CustomRig()) {
                try {
                    test.run(rig);
                } catch (AssertionError | Exception e) {
                    throw new AssertionError(kind.getSimpleName() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    @Covers({"g_datagram_based_condition_check"})
    void checkReportsAnArrivedDatagram() throws Exception {
        onEachTransport(rig -> {
            DatagramTransport t = rig.transport();
            assertEquals(OUT, t.conditionCheck(OUT));
            assertEquals(Set.of(), t.conditionCheck(IN), "nothing arrived yet");
            rig.arrive();
            assertTrue(t.conditionWait(IN, LONG, null));
            assertEquals(IN, t.conditionCheck(IN));
            rig.consume();
            assertEquals(Set.of(), t.conditionCheck(IN), "the datagram was received");
        });
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void aDatagramArrivingWakesAWait() throws Exception {
        onEachTransport(rig -> {
            CompletableFuture<Boolean> waiting = waitAsync(rig.transport(), IN, null, null);
            rig.arrive();
            assertTrue(waiting.get(60, TimeUnit.SECONDS));
            assertTrue(rig.transport().conditionWait(Set.of(IOCondition.IN, IOCondition.OUT), LONG, null));
        });
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void aWaitReturnsFalseAtItsTimeout() throws Exception {
        onEachTransport(rig -> {
            assertFalse(rig.transport().conditionWait(IN, Duration.ofMillis(100), null));
            assertFalse(rig.transport().conditionWait(IN, Duration.ZERO, null), "zero: checks once");
            assertTrue(rig.transport().conditionWait(OUT, Duration.ZERO, null));
        });
    }

    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void cancelEndsAnUnboundedWait() throws Exception {
        onEachTransport(rig -> {
            try (Cancellable cancellable = new Cancellable()) {
                CompletableFuture<Boolean> waiting = waitAsync(rig.transport(), IN, null, cancellable);
                cancellable.cancel();
                assertEquals(IOErrorEnum.CANCELLED, failure(waiting).code());
                assertEquals(IOErrorEnum.CANCELLED, assertThrows(IOErrorException.class,
                        () -> rig.transport().conditionWait(OUT, Duration.ZERO, cancellable)).code(), "zero too");
                assertEquals(OUT, rig.transport().conditionCheck(OUT), "the transport is still usable");
            }
        });
    }

    @Test
    @Covers({"g_datagram_based_condition_check", "g_datagram_based_condition_wait"})
    void closeWakesAWaitAndRefusesWhatFollows() throws Exception {
        onEachTransport(rig -> {
            DatagramTransport t = rig.transport();
            CompletableFuture<Boolean> waiting = waitAsync(t, IN, null, null);
            rig.closeTransport();
            assertEquals(IOErrorEnum.CLOSED, failure(waiting).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> t.conditionWait(IN, LONG, null)).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> t.conditionWait(OUT, Duration.ZERO, null)).code());
            assertThrows(IllegalStateException.class, () -> t.conditionCheck(IN));
            rig.closeTransport(); // idempotent
        });
    }

    @Test
    @Covers({"g_datagram_based_condition_check", "g_datagram_based_condition_wait"})
    void wrongInputIsRefused() throws Exception {
        onEachTransport(rig -> {
            DatagramTransport t = rig.transport();
            assertThrows(IllegalArgumentException.class, () -> t.conditionCheck(Set.of()));
            assertThrows(IllegalArgumentException.class, () -> t.conditionWait(Set.of(), LONG, null));
            assertThrows(NullPointerException.class, () -> t.conditionCheck(null));
            assertThrows(NullPointerException.class, () -> t.conditionWait(null, Duration.ZERO, null));
            assertEquals(OUT, t.conditionCheck(OUT), "still usable");
        });
    }

    /** Closing the UDP socket under a FilteredTransport wakes the filter's wait with CLOSED, as a connection's. */
    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void closingTheSocketUnderAFilterWakesItsWait() throws Exception {
        try (FilteredRig rig = new FilteredRig()) {
            CompletableFuture<Boolean> waiting = waitAsync(rig.filtered, IN, null, null);
            rig.socket.close();
            assertEquals(IOErrorEnum.CLOSED, failure(waiting).code());
            assertEquals(IOErrorEnum.CLOSED, assertThrows(IOErrorException.class,
                    () -> rig.filtered.conditionWait(IN, Duration.ZERO, null)).code());
        }
    }

    /** Shutting a queued transport makes it readable: the receive that follows returns CLOSED at once. */
    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void shutEndsAWaitForIn() throws Exception {
        try (CustomTransport custom = CustomTransport.create(datagram -> { })) {
            CompletableFuture<Boolean> waiting = waitAsync(custom, IN, null, null);
            custom.shut();
            assertTrue(waiting.get(60, TimeUnit.SECONDS));
            assertEquals(IN, custom.conditionCheck(IN));
            assertFalse(custom.deliver(ByteBuffer.wrap(new byte[] {1})), "shut: dropped");
        }
    }

    /**
     * The glue's condition_wait answers as GSocket's g_socket_condition_timed_wait does, called through GIO with the
     * raw timeouts the Java layer never passes: a cancellable cancelled before the call wins even over a ready
     * condition, a zero or short timeout with nothing ready is TIMED_OUT, a ready condition is TRUE.
     */
    @Test
    @Covers({"g_datagram_based_condition_wait"})
    void nativeWaitAnswersAsGSocketDoes() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(LOOPBACK);
             DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             CustomTransport custom = CustomTransport.create(datagram -> { });
             PeerTransport peer = PeerTransport.create(socket, (InetSocketAddress) sender.getLocalSocketAddress());
             Cancellable cancelled = new Cancellable()) {
            cancelled.cancel();
            List<String> expected = List.of("OUT cancelled: CANCELLED", "IN 0: TIMED_OUT", "IN 1 ms: TIMED_OUT",
                    "IN ready: true");
            sender.send(new DatagramPacket(new byte[] {1}, 1, socket.localAddress()));
            assertTrue(socket.conditionWait(IN, LONG, null));
            assertTrue(custom.deliver(ByteBuffer.wrap(new byte[] {1})));
            assertTrue(peer.deliver(ByteBuffer.wrap(new byte[] {1})));
            try (CustomTransport empty = CustomTransport.create(datagram -> { });
                 UdpSocket quiet = UdpSocket.bind(LOOPBACK)) {
                assertEquals(expected, outcomes(socket.handle, quiet.handle, cancelled), "GSocket");
                assertEquals(expected, outcomes(custom.handle, empty.handle, cancelled), "custom transport");
                assertEquals(expected, outcomes(peer.handle, empty.handle, cancelled), "peer transport");
            }
        }
    }

    /** The raw waits on {@code ready} (a datagram queued) and {@code idle} (nothing queued). */
    private static List<String> outcomes(ObjectHandle<?> ready, ObjectHandle<?> idle, Cancellable cancelled) {
        List<String> seen = new ArrayList<>();
        seen.add("OUT cancelled: " + rawWait(ready, Gio.G_IO_OUT, -1, cancelled));
        seen.add("IN 0: " + rawWait(idle, Gio.G_IO_IN, 0, null));
        seen.add("IN 1 ms: " + rawWait(idle, Gio.G_IO_IN, 1000, null));
        seen.add("IN ready: " + rawWait(ready, Gio.G_IO_IN, 0, null));
        return seen;
    }

    private static String rawWait(ObjectHandle<?> handle, int condition, long timeoutMicros, Cancellable cancellable) {
        Pointer object = handle.acquire();
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            int ok = Gio.g_datagram_based_condition_wait(new GDatagramBased(object), condition, timeoutMicros,
                    Cancellable.acquire(cancellable), error.out());
            Cancellable.release(cancellable);
            if (error.isSet()) {
                GioException e = error.take();
                return ok != 0 ? "true with an error?" : e instanceof IOErrorException io ? io.code().name() : e.toString();
            }
            return String.valueOf(ok != 0);
        } finally {
            handle.release();
        }
    }

    /** One receive through GIO on a queued transport, which has no receive of its own in Java. */
    private static void receiveNatively(ObjectHandle<?> handle) throws GioException {
        Pointer object = handle.acquire();
        try (org.gdtls.internal.gen.GInputVector vector = new org.gdtls.internal.gen.GInputVector();
             org.bytedeco.javacpp.BytePointer buffer = new org.bytedeco.javacpp.BytePointer(16);
             org.gdtls.internal.gen.GInputMessage message = new org.gdtls.internal.gen.GInputMessage()) {
            vector.buffer(buffer).size(16);
            message._address((org.bytedeco.javacpp.PointerPointer<?>) null).vectors(vector).num_vectors(1).bytes_received(0).flags(0)
                    .control_messages((org.bytedeco.javacpp.PointerPointer<?>) null).num_control_messages(null);
            GErrorSlot error = GErrorSlot.ofThread();
            int n = Gio.g_datagram_based_receive_messages(new GDatagramBased(object), message, 1, 0, 0, null,
                    error.out());
            error.check();
            assertEquals(1, n);
        } finally {
            handle.release();
        }
    }

    private static CompletableFuture<Boolean> waitAsync(DatagramTransport t, Set<IOCondition> conditions,
                                                        Duration timeout, Cancellable cancellable) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return t.conditionWait(conditions, timeout, cancellable);
            } catch (GioException e) {
                throw new IllegalStateException(e);
            }
        }, TestThreads.BLOCKING);
    }

    /** The IOErrorException a wait failed with (bounded: a wait that never ends fails the test). */
    private static IOErrorException failure(CompletableFuture<Boolean> waiting) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(60, TimeUnit.SECONDS));
        return assertInstanceOf(IOErrorException.class, e.getCause().getCause());
    }
}
