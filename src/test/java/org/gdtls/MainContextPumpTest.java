package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.gdtls.internal.gen.GMainContext;
import org.gdtls.internal.gen.global.Gio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MainContextPump modes, GCancellable listeners, datagram sources and receiveAsync. */
@Timeout(60)
class MainContextPumpTest {

    /** A context the "application" owns and iterates on its own thread; the pump only attaches to it. */
    @Test
    @Covers({"g_main_context_ref", "g_main_context_invoke_full"})
    void attachedToAnApplicationContext() throws Exception {
        Gdtls.load();
        GMainContext context = Gio.g_main_context_new();
        AtomicBoolean stop = new AtomicBoolean();
        Thread loop = new Thread(() -> {
            Gio.g_main_context_push_thread_default(context);
            while (!stop.get()) {
                Gio.g_main_context_iteration(context, 1);
            }
            Gio.g_main_context_pop_thread_default(context);
        }, "application-main-loop");
        loop.start();
        MainContextPump pump = MainContextPump.attach(context.address());
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            List<Thread> threads = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, cert, errors) -> threads.add(Thread.currentThread()));
            CompletableFuture.allOf(pair.server.handshakeAsync(pump, 0, null), pair.client.handshakeAsync(pump, 0, null))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(List.of(loop), threads); // callbacks arrive on the application's loop thread
            assertTrue(pump.isAttached());
            assertFalse(pump.isPumpThread());
        } finally {
            pump.close();
            stop.set(true);
            Gio.g_main_context_wakeup(context);
            loop.join(5000);
            Gio.g_main_context_unref(context);
        }
    }

    @Test
    @Covers({"g_main_context_new", "g_main_context_iteration", "g_main_context_push_thread_default"})
    void ownThreadIsADaemonAndTheDefaultPumpIsShared() throws Exception {
        try (MainContextPump pump = MainContextPump.start("unit")) {
            CompletableFuture<Thread> where = new CompletableFuture<>();
            pump.execute(() -> where.complete(Thread.currentThread()));
            Thread t = where.get(5, TimeUnit.SECONDS);
            assertTrue(t.isDaemon());
            assertTrue(t.getName().startsWith("unit-"));
        }
        assertSame(MainContextPump.defaultPump(), MainContextPump.defaultPump());
    }

    @Test
    @Covers({"g_main_context_default"})
    void attachToTheGlobalDefaultContext() {
        try (MainContextPump pump = MainContextPump.attach(0)) {
            assertTrue(pump.contextAddress() != 0);
        }
    }

    @Test
    void shutdownFromItsOwnThreadAndTwiceConcurrently() throws Exception {
        MainContextPump pump = MainContextPump.start("self-stop");
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        pump.execute(() -> {
            pump.shutdown(2, TimeUnit.SECONDS); // must not wait for itself
            stopped.complete(null);
        });
        stopped.get(5, TimeUnit.SECONDS);
        assertFalse(pump.isRunning());
        pump.close(); // idempotent

        MainContextPump other = MainContextPump.start("double-stop");
        Thread a = new Thread(other::close);
        Thread b = new Thread(other::close);
        a.start();
        b.start();
        a.join(10_000);
        b.join(10_000);
        assertFalse(other.isRunning());
    }

    @Test
    void cancellableListeners() throws Exception {
        try (Cancellable c = new Cancellable()) {
            List<String> calls = new CopyOnWriteArrayList<>();
            Subscription first = c.onCancel(() -> calls.add("first on " + Thread.currentThread().getName()));
            Subscription second = c.onCancel(() -> calls.add("second"));
            second.close();
            Thread canceller = new Thread(c::cancel, "canceller");
            canceller.start();
            canceller.join();
            assertEquals(List.of("first on canceller"), calls);
            c.onCancel(() -> calls.add("late, at once"));
            assertEquals("late, at once", calls.get(1));
            first.close();
        }
    }

    @Test
    void receiveAsyncAndWatch() throws Exception {
        try (MainContextPump pump = MainContextPump.start("io"); LoopbackPair pair = LoopbackPair.create()) {
            CompletableFuture.allOf(pair.server.handshakeAsync(pump, 0, null), pair.client.handshakeAsync(pump, 0, null))
                    .get(30, TimeUnit.SECONDS);
            List<Set<IOCondition>> writable = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> sawOut = new CompletableFuture<>();
            pair.client.watch(pump, EnumSet.of(IOCondition.OUT), null, ready -> {
                writable.add(ready);
                sawOut.complete(null);
                return false; // once is enough
            });
            sawOut.get(5, TimeUnit.SECONDS);
            assertTrue(writable.get(0).contains(IOCondition.OUT));

            ByteBuffer in = ByteBuffer.allocateDirect(100);
            CompletableFuture<Integer> received = pair.server.receiveAsync(in, pump);
            Thread.sleep(100);
            assertFalse(received.isDone()); // nothing sent yet, and no thread blocks on it
            pair.client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(3, received.get(5, TimeUnit.SECONDS));
            assertEquals(3, in.position());

            CompletableFuture<Integer> never = pair.server.receiveAsync(ByteBuffer.allocateDirect(100), pump);
            never.cancel(true);
            pair.client.close(); // close_notify
            assertEquals(-1, pair.server.receiveAsync(ByteBuffer.allocateDirect(100), pump).get(5, TimeUnit.SECONDS));
            assertThrows(java.util.concurrent.CancellationException.class, never::join);
        }
    }

    /** sendAsync/receiveAsync alone run the handshake implicitly on the pump, as timeout-0 I/O does in C. */
    @Test
    @Covers({"g_datagram_based_send_messages", "g_datagram_based_create_source"})
    void sendAsyncRunsTheHandshakeImplicitlyAndReportsErrors() throws Exception {
        try (MainContextPump pump = MainContextPump.start("send"); LoopbackPair pair = LoopbackPair.create()) {
            ByteBuffer in = ByteBuffer.allocateDirect(100);
            CompletableFuture<Integer> received = pair.server.receiveAsync(in, pump);
            CompletableFuture<Integer> sent = pair.client.sendAsync(ByteBuffer.wrap(new byte[] {4, 5, 6, 7}), pump);
            assertEquals(4, sent.get(30, TimeUnit.SECONDS));
            assertEquals(4, received.get(30, TimeUnit.SECONDS));
            assertEquals(ProtocolVersion.DTLS_1_2, pair.client.protocolVersion());

            java.util.concurrent.ExecutionException tooLarge = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pair.client.sendAsync(ByteBuffer.allocateDirect(2000), pump).get(5, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.MESSAGE_TOO_LARGE, ((IOErrorException) tooLarge.getCause()).code());

            pair.client.close();
            java.util.concurrent.ExecutionException closed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pair.client.sendAsync(ByteBuffer.allocateDirect(1), pump).get(5, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.CLOSED, ((IOErrorException) closed.getCause()).code());
        }
    }

    /** A task already queued when the pump shuts down still runs (GTask completions queued so keep their objects). */
    @Test
    void shutdownRunsWhatIsAlreadyQueued() throws Exception {
        MainContextPump pump = MainContextPump.start("drain");
        java.util.concurrent.CountDownLatch firstRunning = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Void> second = new CompletableFuture<>();
        pump.execute(() -> {
            firstRunning.countDown();
            try {
                Thread.sleep(300); // meanwhile the second task is queued and the shutdown begins
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
        pump.execute(() -> second.complete(null));
        pump.close();
        assertTrue(second.isDone(), "a task queued before the shutdown was dropped");
    }
}
