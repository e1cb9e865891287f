package org.gdtls.internal.async;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.IOCondition;
import org.gdtls.Subscription;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GMainContext;
import org.gdtls.internal.gen.GSource;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.CallbackTarget;
import org.gdtls.internal.glue.NativeCancellable;
import org.gdtls.internal.glue.RawPointer;

/**
 * A {@code g_datagram_based_create_source} source on a pump's context, calling Java when the connection is
 * readable/writable. It holds its own reference on the connection's GObject (and the registry holds it) until
 * it ends: when the callback returns false, on {@link #close()}, or when the connection closes.
 */
public final class DatagramWatch implements CallbackTarget, Subscription {
    private final PumpLoop pump;
    private final Predicate<Set<IOCondition>> callback;
    private final AtomicBoolean ended = new AtomicBoolean();
    private GSource source;      // touched on the pump's thread only
    private Pointer objectRef;   // our own GObject reference, dropped when the watch ends

    private DatagramWatch(PumpLoop pump, Predicate<Set<IOCondition>> callback) {
        this.pump = pump;
        this.callback = callback;
    }

    /** Attaches the source on the pump's thread; {@code datagramBased} must be leased by the caller meanwhile. */
    public static DatagramWatch start(PumpLoop pump, GDatagramBased datagramBased, Set<IOCondition> conditions,
                               NativeCancellable cancellable, Predicate<Set<IOCondition>> callback) {
        DatagramWatch watch = new DatagramWatch(pump, callback);
        Pointer ref = Gio.g_object_ref(datagramBased); // taken now, while the caller's lease guarantees the object
        int bits = IOCondition.toBits(conditions);
        try {
            attachOnPump(watch, ref, bits, cancellable);
        } catch (RuntimeException shutDown) {
            Gio.g_object_unref(ref); // the task will never run: nobody else would drop it
            throw shutDown;
        }
        return watch;
    }

    private static void attachOnPump(DatagramWatch watch, Pointer ref, int bits, NativeCancellable cancellable) {
        PumpLoop pump = watch.pump;
        pump.execute(() -> {
            watch.objectRef = ref;
            if (watch.ended.get()) {
                Gio.g_object_unref(ref);
                return;
            }
            GCancellable cancel;
            try {
                cancel = NativeCancellable.acquire(cancellable);
            } catch (IllegalStateException closed) {
                watch.ended.set(true);
                Gio.g_object_unref(ref);
                throw closed; // reported by the pump
            }
            pump.trackWatch(watch);
            long handle = CallbackDispatcher.register(watch);
            try {
                watch.source = Glue.gdtls_datagram_source_attach(new GDatagramBased(ref), bits,
                        cancel, new GMainContext(new RawPointer(pump.contextAddress())), handle);
            } finally {
                NativeCancellable.release(cancellable); // the source took its own reference on the cancellable
            }
        });
    }

    /** GDatagramBasedSourceFunc, on the pump's thread: nonzero keeps the source. */
    @Override
    public long invoke(long handle, int kind, long datagramBased, long condition, long unused) {
        if (kind != CallbackDispatcher.DATAGRAM_READY || ended.get()) {
            return 0;
        }
        boolean keep;
        try {
            keep = callback.test(IOCondition.fromBits((int) condition));
        } catch (Throwable t) {
            CallbackErrors.report("datagram watch " + callback, t);
            keep = false;
        }
        if (!keep) {
            end();
        }
        return keep ? 1 : 0;
    }

    /** Ends the watch (idempotent, from any thread): the source is destroyed on the pump's thread. */
    @Override
    public void close() {
        if (!ended.get()) {
            try {
                pump.execute(this::end);
            } catch (IllegalStateException shutDown) {
                // the pump's context is no longer iterated: its sources are gone with it
            }
        }
    }

    /** By the pump's thread as it stops: nobody would dispatch or destroy the source afterwards. */
    void endOnPumpThread() {
        end();
    }

    private void end() {
        pump.untrackWatch(this);
        if (ended.compareAndSet(false, true) && source != null) {
            Glue.gdtls_source_destroy(source); // GLib then drops the callback and releases the registry handle
            source = null;
            Gio.g_object_unref(objectRef);
        }
    }
}
