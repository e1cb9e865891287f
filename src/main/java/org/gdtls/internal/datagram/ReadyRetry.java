package org.gdtls.internal.datagram;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Predicate;

import org.gdtls.GioException;
import org.gdtls.IOCondition;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;
import org.gdtls.Subscription;
import org.gdtls.internal.async.PendingFutures;
import org.gdtls.internal.async.PumpLoop;

/**
 * Datagram I/O that blocks no thread ({@code receiveAsync}, {@code sendAsync}): a non-blocking attempt on the
 * pump's thread, repeated each time the connection becomes ready, until it does not have to wait.
 */
public final class ReadyRetry {
    /** One attempt of a non-blocking operation: throws {@code WOULD_BLOCK} when it has to wait. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws GioException;
    }

    /** A watch on the connection ({@code g_datagram_based_create_source}) on {@code pump}. */
    @FunctionalInterface
    public interface Watcher {
        Subscription watch(PumpLoop pump, IOCondition condition, Predicate<Set<IOCondition>> callback);
    }

    private final DatagramIo io;
    private final PendingFutures endedByClose;
    private final Function<PumpLoop, CompletableFuture<Void>> handshake;
    private final Watcher watcher;

    /**
     * @param endedByClose where the connection tracks the futures its close must fail
     * @param handshake the connection's explicit async handshake on a pump
     */
    public ReadyRetry(DatagramIo io, PendingFutures endedByClose, Function<PumpLoop, CompletableFuture<Void>> handshake,
                      Watcher watcher) {
        this.io = io;
        this.endedByClose = endedByClose;
        this.handshake = handshake;
        this.watcher = watcher;
    }

    /**
     * Runs {@code attempt} on the pump, and again whenever the connection is ready for {@code condition}. While an
     * explicit handshake runs, it starts once that has ended (the handshake's own completion makes it ready).
     */
    public <T> CompletableFuture<T> whenReady(PumpLoop pump, IOCondition condition, Attempt<T> attempt) {
        CompletableFuture<T> future = new CompletableFuture<>();
        pump.trackWaiting(future);
        endedByClose.track(future);
        pump.execute(future, () -> start(pump, condition, attempt, future));
        return future;
    }

    private <T> void start(PumpLoop pump, IOCondition condition, Attempt<T> attempt, CompletableFuture<T> future) {
        Runnable again = () -> pump.execute(future, () -> start(pump, condition, attempt, future));
        if (future.isDone() || io.deferWhileExplicit(again) || handshakeFirst(pump, future, again)
                || settled(attempt, future)) {
            return;
        }
        try {
            Subscription watching = watcher.watch(pump, condition, ready -> !settled(attempt, future));
            future.whenComplete((n, t) -> watching.close());
        } catch (IllegalStateException closed) {
            future.completeExceptionally(DatagramIo.closed());
        }
    }

    /**
     * Before the first I/O of a connection that never handshook: the handshake as a {@code handshakeAsync}, then
     * {@code again}. A non-blocking attempt would start GIO's implicit handshake instead, which nothing can
     * track: it keeps the connection (and the pump's context) until a later call on the connection finishes it.
     * The I/O future ending first (cancelled, timed out, closed) cancels the handshake. True if it took over.
     */
    private boolean handshakeFirst(PumpLoop pump, CompletableFuture<?> future, Runnable again) {
        if (!io.neverHandshaken()) {
            return false;
        }
        CompletableFuture<Void> started;
        try {
            started = handshake.apply(pump);
        } catch (RuntimeException closedOrShutDown) {
            future.completeExceptionally(closedOrShutDown);
            return true;
        }
        future.whenComplete((value, failure) -> started.cancel(true));
        started.whenComplete((value, failure) -> {
            Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
            if (cause == null || cause instanceof IOErrorException e && e.code() == IOErrorEnum.PENDING) {
                again.run(); // handshaken, or another call started one first: the gate orders what follows
            } else {
                future.completeExceptionally(cause);
            }
        });
        return true;
    }

    /** One attempt: false if it would block (keep waiting), true once the future is done. */
    private static <T> boolean settled(Attempt<T> attempt, CompletableFuture<T> future) {
        if (future.isDone()) {
            return true;
        }
        try {
            future.complete(attempt.run());
        } catch (IOErrorException e) {
            if (e.code() == IOErrorEnum.WOULD_BLOCK) {
                return false;
            }
            future.completeExceptionally(e);
        } catch (Throwable t) {
            future.completeExceptionally(t);
        }
        return true;
    }
}
