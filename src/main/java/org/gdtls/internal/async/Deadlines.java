package org.gdtls.internal.async;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.gdtls.Cancellable;
import org.gdtls.GioException;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;

/**
 * Bounds a blocking GIO call that has no timeout of its own (a handshake, a close) with a {@code GCancellable}
 * cancelled when the time is up; GIO then gives up within a moment, and the call fails with {@code TIMED_OUT}.
 */
public final class Deadlines {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, task -> {
        Thread t = new Thread(task, "gdtls-deadlines");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    @FunctionalInterface
    public interface Call {
        void run(Cancellable cancellable) throws GioException;
    }

    private Deadlines() {}

    /** Runs {@code action} on the deadline thread after {@code delay}, unless the returned future is cancelled. */
    public static ScheduledFuture<?> after(Duration delay, Runnable action) {
        long nanos;
        try {
            nanos = Math.max(0, delay.toNanos());
        } catch (ArithmeticException beyondLong) {
            nanos = Long.MAX_VALUE; // ~292 years
        }
        return TIMER.schedule(action, nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code call} with a cancellable that is cancelled after {@code timeout}. */
    public static void within(Duration timeout, String what, Call call) throws GioException {
        Objects.requireNonNull(timeout, "timeout");
        try (Cancellable cancellable = new Cancellable()) {
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> timer = TIMER.schedule(() -> {
                expired.set(true);
                try {
                    cancellable.cancel();
                } catch (IllegalStateException finished) {
                    // the call ended and closed its cancellable meanwhile
                }
            }, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            try {
                call.run(cancellable);
            } catch (IOErrorException e) {
                if (expired.get() && e.code() == IOErrorEnum.CANCELLED) {
                    IOErrorException timedOut = new IOErrorException(IOErrorEnum.TIMED_OUT.code(),
                            what + " did not end within " + timeout);
                    timedOut.initCause(e);
                    throw timedOut;
                }
                throw e;
            } finally {
                timer.cancel(false);
            }
        }
    }
}
