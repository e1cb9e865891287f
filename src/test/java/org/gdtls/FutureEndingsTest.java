package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pending receiveAsync/sendAsync ends when its connection or its pump goes away, never waits for ever. */
@Timeout(60)
class FutureEndingsTest {

    @Test
    void pendingReceiveFailsWithClosedWhenTheConnectionCloses() throws Exception {
        try (MainContextPump pump = MainContextPump.start("endings"); LoopbackPair pair = LoopbackPair.create()) {
            handshake(pair, pump);
            CompletableFuture<Integer> pending = pair.client.receiveAsync(ByteBuffer.allocateDirect(64), pump);
            pair.client.close(); // nothing was sent: the receive was waiting
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.CLOSED, assertInstanceOf(IOErrorException.class, e.getCause()).code());
        }
    }

    @Test
    void pendingReceiveFailsWhenThePumpShutsDown() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            MainContextPump pump = MainContextPump.start("endings");
            handshake(pair, pump);
            CompletableFuture<Integer> pending = pair.client.receiveAsync(ByteBuffer.allocateDirect(64), pump);
            pump.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals(0, pump.pendingOperations());
        }
    }

    @Test
    void receiveQueuedBehindAnExplicitHandshakeEndsWhenThePumpShutsDown() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            MainContextPump pump = MainContextPump.start("endings");
            CompletableFuture<Void> handshake = pair.client.handshakeAsync(pump, 0, null); // the server never answers
            CompletableFuture<Integer> pending = pair.client.receiveAsync(ByteBuffer.allocateDirect(64), pump);
            pump.close();
            // Cancelled by the shutdown (CancellationException) or failed by it: either way, over.
            assertEndsExceptionally(handshake);
            assertEndsExceptionally(pending);
            // If the receive ran once the cancelled handshake ended, GIO started an implicit handshake against the
            // silent server, and close() would wait up to 60 s for it, as in C: bound the wait.
            try {
                pair.client.close(Duration.ofSeconds(1));
            } catch (IOErrorException timedOut) {
                assertEquals(IOErrorEnum.TIMED_OUT, timedOut.code());
            }
        }
    }

    private static void assertEndsExceptionally(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | CancellationException ended) {
            return;
        }
        throw new AssertionError("completed normally: " + future);
    }

    private static void handshake(LoopbackPair pair, MainContextPump pump) throws Exception {
        CompletableFuture.allOf(pair.server.handshakeAsync(pump, 0, null), pair.client.handshakeAsync(pump, 0, null))
                .get(30, TimeUnit.SECONDS);
    }
}
