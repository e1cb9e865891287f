package org.gdtls;

import java.util.Objects;

import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.glue.NativeCancellable;

/**
 * A {@code GCancellable}: cancels a blocking operation from another thread. The operation then fails with
 * {@link IOErrorEnum#CANCELLED} (a DTLS handshake within about a second). Once cancelled, it stays cancelled.
 */
public final class Cancellable implements AutoCloseable {
    final NativeCancellable core;

    /** {@code g_cancellable_new}. */
    @Wraps("g_cancellable_new")
    public Cancellable() {
        this.core = new NativeCancellable(this);
    }

    /** {@code g_cancellable_cancel}: thread-safe; cancelling twice does nothing more. */
    @Wraps("g_cancellable_cancel")
    public void cancel() {
        core.cancel();
    }

    /** {@code g_cancellable_is_cancelled}. */
    @Wraps("g_cancellable_is_cancelled")
    public boolean isCancelled() {
        return core.isCancelled();
    }

    /**
     * {@code g_cancellable_connect}: runs {@code listener} when this is cancelled, on the thread that cancels
     * (at once, on this thread, if it already is). The listener is held by this Cancellable only. Do not close
     * the returned subscription from inside the listener ({@code g_cancellable_disconnect} would wait for it).
     */
    @Wraps({"g_cancellable_connect", "g_cancellable_disconnect"})
    public Subscription onCancel(Runnable listener) {
        return core.onCancel(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void close() {
        core.close();
    }

    /** What internal code takes for a Cancellable argument ({@code null} stays null). */
    static NativeCancellable core(Cancellable c) {
        return c == null ? null : c.core;
    }

    /** The native pointer for the duration of a call that holds a lease ({@code null} stays null). */
    static GCancellable acquire(Cancellable c) {
        return NativeCancellable.acquire(core(c));
    }

    static void release(Cancellable c) {
        NativeCancellable.release(core(c));
    }
}
