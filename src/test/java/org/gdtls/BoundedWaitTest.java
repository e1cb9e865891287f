package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * handshake(Duration) and close(Duration): the calls GIO lets wait 60 s against a silent peer end when their
 * bound is up. The assertions are about order (the close returned while the handshake it waited for still ran),
 * not about timing.
 */
@Timeout(60)
class BoundedWaitTest {

    @Test
    @Covers("g_dtls_connection_handshake")
    void handshakeWithATimeoutFailsWithTimedOutAgainstASilentPeer() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) { // the server never handshakes
            IOErrorException e = assertThrows(IOErrorException.class, () -> pair.client.handshake(Duration.ofMillis(300)));
            assertEquals(IOErrorEnum.TIMED_OUT, e.code());
            assertEquals(IOErrorEnum.CANCELLED, assertInstanceOf(IOErrorException.class, e.getCause()).code());
        }
    }

    @Test
    void handshakeWithATimeoutSucceedsWhenThePeerAnswers() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try {
                    pair.server.handshake(Duration.ofSeconds(30));
                } catch (GioException e) {
                    throw new IllegalStateException(e);
                }
            }, TestThreads.BLOCKING);
            pair.client.handshake(Duration.ofSeconds(30));
            server.get(30, TimeUnit.SECONDS);
            assertEquals(ProtocolVersion.DTLS_1_2, pair.client.protocolVersion());
        }
    }

    @Test
    @Covers("g_dtls_connection_close")
    void closeWithATimeoutStopsWaitingForAHandshakeInProgress() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); Cancellable handshakeCancel = new Cancellable()) {
            CompletableFuture<Exception> handshake = CompletableFuture.supplyAsync(() -> {
                try {
                    pair.client.handshake(handshakeCancel); // the server never answers: GIO would wait 60 s
                    return null;
                } catch (Exception e) {
                    return e;
                }
            }, TestThreads.BLOCKING);
            pair.serverSocket.peekSender(Duration.ofSeconds(10), null); // its ClientHello: the handshake runs in GIO
            IOErrorException e = assertThrows(IOErrorException.class, () -> pair.client.close(Duration.ofMillis(300)));
            assertEquals(IOErrorEnum.TIMED_OUT, e.code());
            assertTrue(pair.client.isClosed());
            assertFalse(handshake.isDone(), "close returned while the handshake it waited for still ran");
            handshakeCancel.cancel();
            assertInstanceOf(IOErrorException.class, handshake.get(30, TimeUnit.SECONDS));
        }
    }
}
