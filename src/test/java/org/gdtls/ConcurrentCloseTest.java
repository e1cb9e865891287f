package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() from another thread while a receive blocks. As in C (checked against the same scenario on libgio):
 * g_dtls_connection_close waits for the reader, and a GCancellable is how to unblock it.
 */
@Timeout(60)
class ConcurrentCloseTest {

    @Test
    @Covers({"g_dtls_connection_close", "g_datagram_based_receive_messages", "g_cancellable_new", "g_cancellable_cancel", "g_cancellable_is_cancelled"})
    void closeWaitsForBlockedReaderUntilItsCancellableFires() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); Cancellable cancel = new Cancellable()) {
            pair.handshake();
            AtomicReference<Object> readResult = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    ByteBuffer[] buffers = {ByteBuffer.allocateDirect(2048)};
                    readResult.set(pair.client.receive(buffers, 0, 1, null, cancel));
                } catch (Exception e) {
                    readResult.set(e);
                }
            }, "blocked-reader");
            reader.start();
            awaitBlocked(reader);

            Thread closer = new Thread(() -> {
                try {
                    pair.client.close();
                } catch (GioException e) {
                    throw new AssertionError(e);
                }
            }, "closer");
            closer.start();
            closer.join(500);
            assertTrue(closer.isAlive(), "close() returned while a reader was blocked (GIO waits for it)");

            assertTrue(!cancel.isCancelled());
            cancel.cancel();
            assertTrue(cancel.isCancelled());
            reader.join(10_000);
            closer.join(10_000);
            assertEquals(IOErrorEnum.CANCELLED, assertInstanceOf(IOErrorException.class, readResult.get()).code());
            assertTrue(!closer.isAlive() && pair.client.isClosed());
        }
    }

    private static void awaitBlocked(Thread t) throws InterruptedException {
        while (t.getState() == Thread.State.NEW || t.getState() == Thread.State.RUNNABLE && !inNative(t)) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // let GIO reach its poll
    }

    private static boolean inNative(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod();
    }
}
