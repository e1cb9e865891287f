package org.gdtls;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.WeakTarget;

/**
 * A {@code GCancellable}: cancels a blocking operation from another thread. The operation then fails with
 * {@link IOErrorEnum#CANCELLED} (a DTLS handshake within about a second). Once cancelled, it stays cancelled.
 */
public final class Cancellable implements AutoCloseable {
    final ObjectHandle<GCancellable> handle;
    private final Map<Long, Runnable> listeners = new ConcurrentHashMap<>();

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

    /**
     * {@code g_cancellable_connect}: runs {@code listener} when this is cancelled, on the thread that cancels
     * (at once, on this thread, if it already is). The listener is held by this Cancellable only. Do not close
     * the returned subscription from inside the listener ({@code g_cancellable_disconnect} would wait for it).
     */
    @Wraps({"g_cancellable_connect", "g_cancellable_disconnect"})
    public Subscription onCancel(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        GCancellable c = handle.acquire();
        try {
            long registryHandle = CallbackDispatcher.register(new WeakTarget<>(this, Cancellable::dispatch));
            listeners.put(registryHandle, listener);
            long handlerId = Gio.gdtls_cancellable_connect(c, registryHandle);
            if (handlerId == 0) {
                listeners.remove(registryHandle); // already cancelled: it ran and GLib released the handle
                return () -> { };
            }
            return () -> {
                if (listeners.remove(registryHandle) == null) {
                    return;
                }
                GCancellable self;
                try {
                    self = handle.acquire();
                } catch (IllegalStateException closed) {
                    return;
                }
                try {
                    Gio.g_cancellable_disconnect(self, handlerId);
                } finally {
                    handle.release();
                }
            };
        } finally {
            handle.release();
        }
    }

    @Override
    public void close() {
        handle.close();
    }

    /** The trampoline's entry (GCancellable::cancelled), on the cancelling thread. */
    private long dispatch(long registryHandle, int kind, long a0, long a1, long a2) {
        Runnable listener = listeners.get(registryHandle);
        if (kind == CallbackDispatcher.CANCELLED && listener != null) {
            try {
                listener.run();
            } catch (Throwable t) {
                CallbackErrors.report("Cancellable listener " + listener, t);
            }
        }
        return 0;
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
