package org.gdtls.internal.datagram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.GioException;
import org.gdtls.IOCondition;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;
import org.gdtls.Subscription;
import org.gdtls.internal.async.Deadlines;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeCancellable;
import org.gdtls.internal.glue.ObjectHandle;

/**
 * {@code g_datagram_based_condition_check} and {@code g_datagram_based_condition_wait} on one
 * {@code GDatagramBased} (a DTLS connection or a GSocket), each under a lease on its handle.
 *
 * <p>Every wait runs with a {@code GCancellable} of its own, cancelled by the caller's, by the deadline and by
 * {@link #wakeAll()} (the owner's close). Two reasons, both read in glib-networking 2.74 to 2.90
 * ({@code g_tls_connection_base_condition_wait} in {@code tls/base/gtlsconnection-base.c}): its wait polls only
 * the connection's internal "an operation ended" cancellable and the caller's, never the base socket, and that
 * internal cancellable stays cancelled once any operation (the handshake, any I/O) has ended. From then on its
 * {@code g_poll} returns at once and the wait re-checks the condition in a busy loop: its own timeout never
 * fires, and only the condition or the cancellable ends it. Before any operation it sleeps out its timeout and
 * does not notice the condition becoming true meanwhile. So the deadline is the binding's, not GIO's, and
 * closing the connection (which the wait does not hold back: it claims no operation) must wake it.
 */
public final class ConditionWaits {
    /** Refuses a blocking wait on a thread where it would stall the handshake it waits for. */
    @FunctionalInterface
    public interface BlockingGuard {
        void refuseBlockingHere() throws IOErrorException;
    }

    /** The largest timeout GIO can take: its implementations hand milliseconds to {@code g_poll} as a gint. */
    private static final long MAX_GIO_TIMEOUT_MICROS = Integer.MAX_VALUE * 1000L;

    private final ObjectHandle<? extends Pointer> handle;
    private final UnaryOperator<GioException> failure;
    private final BlockingGuard guard;
    private final BooleanSupplier transportClosed;
    private final Set<NativeCancellable> waiting = new HashSet<>(); // under this
    private boolean closing; // under this

    /**
     * @param failure what a failed wait reports instead of GIO's error (see {@link DatagramIo})
     * @param guard null if every thread may block
     * @param transportClosed true once the transport under the object was closed: a wait that returns then
     *     reports {@code CLOSED} instead of "ready"
     */
    public ConditionWaits(ObjectHandle<? extends Pointer> handle, UnaryOperator<GioException> failure,
                          BlockingGuard guard, BooleanSupplier transportClosed) {
        this.handle = handle;
        this.failure = failure;
        this.guard = guard;
        this.transportClosed = transportClosed;
    }

    /** {@code g_datagram_based_condition_check}: which of {@code conditions} hold now (plus ERR, HUP). */
    public Set<IOCondition> check(Set<IOCondition> conditions) {
        int bits = bits(conditions);
        return handle.call(p -> IOCondition.fromBits(Gio.g_datagram_based_condition_check(new GDatagramBased(p), bits)));
    }

    /**
     * {@code g_datagram_based_condition_wait}: true once one of {@code conditions} holds, false when
     * {@code timeout} (null or negative: none) has passed first and they still do not hold. A zero timeout is one
     * {@code g_datagram_based_condition_check}.
     *
     * @throws IOErrorException {@code CANCELLED} when {@code cancellable} is cancelled, {@code CLOSED} when the
     *     owner is (or gets) closed
     */
    public boolean await(Set<IOCondition> conditions, Duration timeout, NativeCancellable cancellable)
            throws GioException {
        int bits = bits(conditions);
        boolean unbounded = timeout == null || timeout.isNegative();
        if (guard != null && (unbounded || !timeout.isZero())) {
            guard.refuseBlockingHere();
        }
        if (!unbounded && timeout.isZero()) {
            // GIO's wait with a zero timeout busy-loops on a connection (see above): one check instead
            Pointer object = DatagramIo.acquireOpen(handle);
            try {
                if (isClosing() || transportClosed.getAsBoolean()) {
                    throw DatagramIo.closed();
                }
                if (cancellable != null && cancellable.isCancelled()) {
                    throw new IOErrorException(IOErrorEnum.CANCELLED.code(), "Operation was cancelled");
                }
                return Gio.g_datagram_based_condition_check(new GDatagramBased(object), bits) != 0;
            } finally {
                handle.release();
            }
        }
        Pointer object = DatagramIo.acquireOpen(handle);
        NativeCancellable own = null;
        Subscription chained = null;
        ScheduledFuture<?> timer = null;
        try {
            own = new NativeCancellable();
            synchronized (this) {
                if (closing) {
                    throw DatagramIo.closed();
                }
                waiting.add(own);
            }
            NativeCancellable wake = own;
            if (cancellable != null) {
                chained = cancellable.onCancel(() -> cancelQuietly(wake));
            }
            AtomicBoolean expired = new AtomicBoolean();
            if (!unbounded) {
                timer = Deadlines.after(timeout, () -> {
                    expired.set(true);
                    cancelQuietly(wake);
                });
            }
            GErrorSlot error = GErrorSlot.ofThread();
            int ready;
            GCancellable c = own.acquire();
            try {
                ready = Gio.g_datagram_based_condition_wait(new GDatagramBased(object), bits, gioMicros(timeout),
                        c, error.out());
            } finally {
                own.release();
            }
            GioException failed = error.isSet() ? error.take() : null;
            if (isClosing() || transportClosed.getAsBoolean()) {
                IOErrorException closed = DatagramIo.closed();
                if (failed != null) {
                    closed.initCause(failed);
                }
                throw closed;
            }
            if (failed == null) {
                return ready != 0;
            }
            if (failed instanceof IOErrorException io && (io.code() == IOErrorEnum.TIMED_OUT
                    || io.code() == IOErrorEnum.CANCELLED && expired.get()
                    && (cancellable == null || !cancellable.isCancelled()))) {
                // the deadline may have cancelled the wait before GIO's first check: check once more
                return Gio.g_datagram_based_condition_check(new GDatagramBased(object), bits) != 0;
            }
            throw failure.apply(failed);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            if (chained != null) {
                chained.close();
            }
            if (own != null) {
                synchronized (this) {
                    waiting.remove(own);
                }
                own.close();
            }
            handle.release();
        }
    }

    /** The owner closes: every wait in progress ends with {@code CLOSED}, and none starts any more. */
    public void wakeAll() {
        List<NativeCancellable> toWake;
        synchronized (this) {
            closing = true;
            toWake = new ArrayList<>(waiting);
        }
        toWake.forEach(ConditionWaits::cancelQuietly);
    }

    private synchronized boolean isClosing() {
        return closing;
    }

    private static void cancelQuietly(NativeCancellable c) {
        try {
            c.cancel();
        } catch (IllegalStateException waitEnded) {
            // the wait ended and closed its cancellable meanwhile
        }
    }

    private static int bits(Set<IOCondition> conditions) {
        int bits = IOCondition.toBits(Objects.requireNonNull(conditions, "conditions"));
        if (bits == 0) {
            throw new IllegalArgumentException("no condition to check or wait for");
        }
        return bits;
    }

    /** GIO's timeout: -1 for none (also where it would overflow GIO; the binding's deadline then bounds it). */
    private static long gioMicros(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            return -1;
        }
        try {
            long micros = timeout.toNanos() / 1000;
            return micros > MAX_GIO_TIMEOUT_MICROS ? -1 : micros;
        } catch (ArithmeticException beyondLong) {
            return -1;
        }
    }
}
