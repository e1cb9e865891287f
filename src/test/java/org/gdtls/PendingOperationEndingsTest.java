package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.gdtls.internal.glue.CallbackDispatcher;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of pending operation ends, whichever way its end comes: the future is cancelled, the connection is
 * closed, the pump shuts down, the application drops the connection (then the pump's shutdown ends it and the
 * wrapper is collected), or the application's own timeout completes the future (then the GIO operation behind it
 * is cancelled too). Each operation is made to wait on a server that never answers, so only the ending can end it.
 */
@Timeout(90)
class PendingOperationEndingsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** What waits, and why it waits. */
    enum Kind {
        /** handshakeAsync against a silent server. */
        HANDSHAKE,
        /** receiveAsync after a handshake: the server sends nothing. */
        RECEIVE,
        /** sendAsync before any handshake: its implicit handshake waits on the silent server. */
        SEND,
        /** shutdownAsync behind a handshakeAsync that waits on the silent server. */
        SHUTDOWN,
        /** closeAsync behind a handshakeAsync that waits on the silent server. */
        CLOSE,
        /** watch for IN after a handshake: "ended" means its source is gone (the callback registry says so). */
        WATCH
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void cancellingTheFutureEndsIt(Kind kind) throws Exception {
        try (Setup s = Setup.create(kind)) {
            Pending p = s.start(kind);
            p.cancel();
            p.assertEnded();
            s.assertPumpIdle();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closingTheConnectionEndsIt(Kind kind) throws Exception {
        try (Setup s = Setup.create(kind)) {
            Pending p = s.start(kind);
            try {
                s.client.close(Duration.ofSeconds(10));
            } catch (IOErrorException e) {
                // GIO may report the close_notify it could not send; the wrapper is closed all the same
                assertTrue(e.code() != IOErrorEnum.TIMED_OUT, "close waited for the pending operation: " + e);
            }
            p.assertEnded();
            s.assertPumpIdle();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shuttingThePumpDownEndsIt(Kind kind) throws Exception {
        try (Setup s = Setup.create(kind)) {
            Pending p = s.start(kind);
            s.pump.close();
            p.assertEnded();
            assertEquals(0, s.pump.pendingOperations());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDroppedConnectionEndsWithThePumpAndIsCollected(Kind kind) throws Exception {
        try (Setup s = Setup.create(kind)) {
            long address = s.client.handle.address();
            WeakReference<DtlsClientConnection> wrapper = new WeakReference<>(s.client);
            int registered = CallbackDispatcher.registeredCount();
            GObjectOracle.ref(address); // to watch the GObject once the wrapper is gone
            Pending p = s.start(kind);
            s.dropClient();
            long t0 = System.nanoTime();
            s.pump.close();
            String shutdown = kind + ": the pump's shutdown took " + (System.nanoTime() - t0) / 1_000_000
                    + " ms and left " + s.pump.pendingOperations() + " operations unreported";
            p.assertEnded();
            p.forget();
            awaitGc(() -> GObjectOracle.refCount(address) == 1);
            assertEquals(1, GObjectOracle.refCount(address), "the dropped wrapper must let go of its connection; " + shutdown
                    + "; wrapper collected: " + (wrapper.get() == null) + ", callbacks registered before/after: "
                    + registered + "/" + CallbackDispatcher.registeredCount());
            GObjectOracle.unref(address);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "WATCH", mode = EnumSource.Mode.EXCLUDE)
    void theApplicationsOwnTimeoutAlsoEndsTheGioOperation(Kind kind) throws Exception {
        try (Setup s = Setup.create(kind)) {
            Pending p = s.start(kind);
            p.future.orTimeout(200, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.future.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TimeoutException, e.getCause().toString());
            s.assertPumpIdle(); // the GIO operation was cancelled and reported back
        }
    }

    /** A client over a socket connected to a server socket; the server handshakes only where the kind needs it. */
    private static final class Setup implements AutoCloseable {
        final MainContextPump pump = MainContextPump.start("endings");
        final UdpSocket clientSocket;
        final UdpSocket serverSocket;
        DtlsClientConnection client;
        DtlsServerConnection server;
        CompletableFuture<Void> blockingHandshake; // the handshake SHUTDOWN and CLOSE queue behind

        private Setup(UdpSocket clientSocket, UdpSocket serverSocket) {
            this.clientSocket = clientSocket;
            this.serverSocket = serverSocket;
        }

        static Setup create(Kind kind) throws Exception {
            UdpSocket serverSocket = UdpSocket.bind(LOOPBACK);
            UdpSocket clientSocket = UdpSocket.bind(LOOPBACK);
            Setup s = new Setup(clientSocket, serverSocket);
            clientSocket.connect(serverSocket.localAddress());
            serverSocket.connect(clientSocket.localAddress());
            s.client = DtlsClientConnection.create(clientSocket, "server.example.com");
            try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                s.client.setDatabase(db); // no listener: the callback registry then counts the watch alone
            }
            if (kind == Kind.RECEIVE || kind == Kind.WATCH) {
                try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                        LoopbackPair.pki("server-key.pem"))) {
                    s.server = DtlsServerConnection.create(serverSocket, cert);
                }
                CompletableFuture.allOf(s.server.handshakeAsync(s.pump, 0, null),
                        s.client.handshakeAsync(s.pump, 0, null)).get(30, TimeUnit.SECONDS);
            }
            return s;
        }

        Pending start(Kind kind) throws GioException {
            return switch (kind) {
                case HANDSHAKE -> new Pending(client.handshakeAsync(pump, 0, null));
                case RECEIVE -> new Pending(client.receiveAsync(ByteBuffer.allocateDirect(64), pump));
                case SEND -> new Pending(client.sendAsync(ByteBuffer.wrap(new byte[] {1, 2, 3}), pump));
                case SHUTDOWN -> {
                    startBlockingHandshake();
                    yield new Pending(client.shutdownAsync(true, true, pump, 0, null));
                }
                case CLOSE -> {
                    startBlockingHandshake();
                    yield new Pending(client.closeAsync(pump, 0, null));
                }
                case WATCH -> {
                    int before = CallbackDispatcher.registeredCount();
                    yield new Pending(client.watch(pump, Set.of(IOCondition.IN), null, ready -> true), before);
                }
            };
        }

        /**
         * Starts the handshake and waits for its ClientHello. Only then does a close queue behind it: GIO's close
         * waits for a handshake that has claimed the connection (claim_op), and both run on GTask threads of their
         * own, so a close started at once may claim first and finish without waiting (seen on glib-networking 2.80).
         */
        private void startBlockingHandshake() throws GioException {
            blockingHandshake = client.handshakeAsync(pump, 0, null);
            assertTrue(serverSocket.conditionWait(Set.of(IOCondition.IN), Duration.ofSeconds(10), null),
                    "no ClientHello within 10 s");
        }

        void dropClient() {
            client = null;
            blockingHandshake = null;
        }

        /** Every GIO operation started through the pump has reported back. */
        void assertPumpIdle() throws InterruptedException {
            awaitTrue(() -> pump.pendingOperations() == expectedPending());
            assertEquals(expectedPending(), pump.pendingOperations(), "operations the pump still waits for");
        }

        /** The handshake SHUTDOWN and CLOSE queue behind stays pending unless the ending ended it too. */
        private int expectedPending() {
            return blockingHandshake == null || blockingHandshake.isDone() ? 0 : 1;
        }

        @Override
        public void close() throws Exception {
            if (blockingHandshake != null) {
                blockingHandshake.cancel(true);
            }
            pump.close();
            try {
                if (client != null) {
                    client.close(Duration.ofSeconds(5));
                }
            } catch (IOErrorException ignored) {
                // a close_notify that could not go out, or the wait bounded: released either way
            } finally {
                try {
                    if (server != null) {
                        server.close(Duration.ofSeconds(5));
                    }
                } catch (IOErrorException ignored) {
                    // as above
                } finally {
                    clientSocket.close();
                    serverSocket.close();
                }
            }
        }
    }

    /** A pending future, or a watch (ended once the callback registry is back to its size before it). */
    private static final class Pending {
        CompletableFuture<?> future;
        Subscription watch;
        final int registeredBefore;

        Pending(CompletableFuture<?> future) {
            this.future = future;
            this.registeredBefore = -1;
        }

        Pending(Subscription watch, int registeredBefore) {
            this.watch = watch;
            this.registeredBefore = registeredBefore;
        }

        void cancel() {
            if (future != null) {
                future.cancel(true);
            } else {
                watch.close();
            }
        }

        void assertEnded() throws Exception {
            if (future != null) {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | CancellationException ended) {
                    return;
                } catch (TimeoutException stillPending) {
                    throw new AssertionError("still pending: " + future);
                }
                return; // completed normally: ended too (e.g. a close that needed no handshake)
            }
            awaitTrue(() -> CallbackDispatcher.registeredCount() == registeredBefore);
            assertEquals(registeredBefore, CallbackDispatcher.registeredCount(), "the watch's source is still there");
        }

        void forget() {
            future = null;
            watch = null;
        }
    }

    private static void awaitTrue(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 1500 && !done.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
    }

    private static void awaitGc(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 150 && !done.getAsBoolean(); i++) {
            System.gc();
            Thread.sleep(20);
        }
    }
}
