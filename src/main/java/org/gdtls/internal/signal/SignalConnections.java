package org.gdtls.internal.signal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.WeakTarget;

/**
 * The signal handlers one wrapper has connected on its GObject, and the Java listeners behind them.
 *
 * <p>Ownership, so no listener becomes a GC root: the static {@link CallbackDispatcher} registry holds only a
 * {@link WeakTarget}; the wrapper holds this object, which holds the listeners. (This object refers to the
 * wrapper strongly, but only the wrapper refers to this object, so that is no GC root.)
 * A listener that captures its own wrapper therefore does not keep it alive. When the wrapper closes,
 * {@link #disconnectAll} disconnects every handler; GLib's destroy notify then frees the registry entries.
 */
public final class SignalConnections<W> {
    private final ObjectHandle<? extends Pointer> handle;
    private final W wrapperForTargets; // held only while connecting: targets keep it weakly
    private final WeakTarget.Dispatch<W> dispatch;
    private final Map<Long, Object> listeners = new ConcurrentHashMap<>();
    private final Map<Long, Long> handlerIds = new ConcurrentHashMap<>(); // registry handle -> GLib handler id

    public SignalConnections(W wrapper, ObjectHandle<? extends Pointer> handle, WeakTarget.Dispatch<W> dispatch) {
        this.wrapperForTargets = wrapper;
        this.handle = handle;
        this.dispatch = dispatch;
    }

    /** Connects {@code listener} to {@code detailedSignal} (e.g. {@code notify::ciphersuite-name}) by name on the instance. */
    public long connect(String detailedSignal, int kind, Object listener) {
        Pointer instance = handle.acquire();
        try {
            long registryHandle = CallbackDispatcher.register(new WeakTarget<>(wrapperForTargets, dispatch));
            listeners.put(registryHandle, listener);
            long handlerId;
            try (BytePointer signal = CStrings.utf8(detailedSignal)) {
                handlerId = Glue.gdtls_signal_connect(instance, signal, kind, registryHandle);
            }
            if (handlerId == 0) {
                listeners.remove(registryHandle);
                CallbackDispatcher.unregister(registryHandle);
                throw new IllegalArgumentException("no signal " + detailedSignal + " on "
                        + CStrings.borrowed(Glue.gdtls_object_type_name(instance)));
            }
            handlerIds.put(registryHandle, handlerId);
            return registryHandle;
        } finally {
            handle.release();
        }
    }

    /** The listener connected under {@code registryHandle}, or null once disconnected. */
    public Object listener(long registryHandle) {
        return listeners.get(registryHandle);
    }

    /** g_signal_handler_disconnect; idempotent, and a no-op once the object is closed. */
    public void disconnect(long registryHandle) {
        Long handlerId = handlerIds.remove(registryHandle);
        listeners.remove(registryHandle);
        if (handlerId == null) {
            return;
        }
        Pointer instance;
        try {
            instance = handle.acquire();
        } catch (IllegalStateException closed) {
            return; // disconnectAll ran (or runs) at close
        }
        try {
            Gio.g_signal_handler_disconnect(instance, handlerId); // GLib then releases the registry handle
        } finally {
            handle.release();
        }
    }

    /** At close, before the reference is dropped (no lease can be taken any more, so the raw instance is used). */
    public void disconnectAll(Pointer instance) {
        for (Map.Entry<Long, Long> e : handlerIds.entrySet()) {
            Gio.g_signal_handler_disconnect(instance, e.getValue());
        }
        handlerIds.clear();
        listeners.clear();
    }
}
