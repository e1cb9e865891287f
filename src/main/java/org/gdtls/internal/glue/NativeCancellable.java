package org.gdtls.internal.glue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.gdtls.Subscription;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;

/**
 * The {@code GCancellable} behind a public {@code org.gdtls.Cancellable}, or one an operation owns itself: the
 * one reference (an {@link ObjectHandle}) and the Java listeners of its {@code cancelled} signal. Internal code
 * takes this type, so that it never needs the public class's package-private state.
 */
public final class NativeCancellable implements AutoCloseable {
    private final ObjectHandle<GCancellable> handle;
    private final Map<Long, Runnable> listeners = new ConcurrentHashMap<>();

    /** {@code g_cancellable_new}; {@code owner} is the wrapper whose collection drops the reference. */
    public NativeCancellable(Object owner) {
        NativeLibrary.ensureLoaded();
        this.handle = new ObjectHandle<>(owner, Gio.g_cancellable_new(), "Cancellable");
    }

    /** An operation's own cancellable, dropped when it is closed (or this object collected). */
    public NativeCancellable() {
        NativeLibrary.ensureLoaded();
        this.handle = new ObjectHandle<>(this, Gio.g_cancellable_new(), "Cancellable");
    }

    public void cancel() {
        GCancellable c = handle.acquire();
        try {
            Gio.g_cancellable_cancel(c);
        } finally {
            handle.release();
        }
    }

    public boolean isCancelled() {
        GCancellable c = handle.acquire();
        try {
            return Gio.g_cancellable_is_cancelled(c) != 0;
        } finally {
            handle.release();
        }
    }

    /** {@code g_cancellable_connect}: {@code listener} runs on the cancelling thread (at once if already cancelled). */
    public Subscription onCancel(Runnable listener) {
        GCancellable c = handle.acquire();
        try {
            long registryHandle = CallbackDispatcher.register(new WeakTarget<>(this, NativeCancellable::dispatch));
            listeners.put(registryHandle, listener);
            long handlerId = Glue.gdtls_cancellable_connect(c, registryHandle);
            if (handlerId == 0) {
                listeners.remove(registryHandle); // already cancelled: it ran and GLib released the handle
                return () -> { };
            }
            return () -> disconnect(registryHandle, handlerId);
        } finally {
            handle.release();
        }
    }

    private void disconnect(long registryHandle, long handlerId) {
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
    }

    @Override
    public void close() {
        handle.close();
    }

    /** The native pointer for a call, under a lease; pair with {@link #release()} in finally. */
    public GCancellable acquire() {
        return handle.acquire();
    }

    public void release() {
        handle.release();
    }

    /** {@link #acquire()} where no cancellable is null. */
    public static GCancellable acquire(NativeCancellable c) {
        return c == null ? null : c.acquire();
    }

    public static void release(NativeCancellable c) {
        if (c != null) {
            c.release();
        }
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
}
