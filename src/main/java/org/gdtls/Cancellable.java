package org.gdtls;

import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;

/**
 * A {@code GCancellable}: cancels a blocking operation from another thread. The operation then fails with
 * {@link IOErrorEnum#CANCELLED} (a DTLS handshake within about a second). Once cancelled, it stays cancelled.
 */
public final class Cancellable implements AutoCloseable {
    final ObjectHandle<GCancellable> handle;

    /** {@code g_cancellable_new}. */
    @Wraps("g_cancellable_new")
    public Cancellable() {
        NativeLibrary.ensureLoaded();
        this.handle = new ObjectHandle<>(this, Gio.g_cancellable_new(), "Cancellable");
    }

    /** {@code g_cancellable_cancel}: thread-safe; cancelling twice does nothing more. */
    @Wraps("g_cancellable_cancel")
    public void cancel() {
        GCancellable c = handle.acquire();
        try {
            Gio.g_cancellable_cancel(c);
        } finally {
            handle.release();
        }
    }

    /** {@code g_cancellable_is_cancelled}. */
    @Wraps("g_cancellable_is_cancelled")
    public boolean isCancelled() {
        GCancellable c = handle.acquire();
        try {
            return Gio.g_cancellable_is_cancelled(c) != 0;
        } finally {
            handle.release();
        }
    }

    @Override
    public void close() {
        handle.close();
    }

    /** The native pointer for the duration of a call that holds a lease ({@code null} stays null). */
    static GCancellable acquire(Cancellable c) {
        return c == null ? null : c.handle.acquire();
    }

    static void release(Cancellable c) {
        if (c != null) {
            c.handle.release();
        }
    }
}
