package org.gdtls.internal.glue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.GioException;
import org.gdtls.internal.gen.GError;

/**
 * The {@code GError **error} argument of a GIO call, the one way every call passes it: a pointer-sized slot of
 * native memory, handed to C as a {@code GError**} as is, and read back through a direct-buffer view, so that
 * neither the call nor the check costs a JNI crossing (JavaCPP's {@code @ByPtrPtr GError} form writes the pointer
 * back into a Java field on every call, error or not). A thread reuses its own ({@link #ofThread()}); each
 * datagram batch owns one. Usage: {@code Gio.g_x(..., error.out()); error.check();}
 */
public final class GErrorSlot {
    private static final ThreadLocal<GErrorSlot> PER_THREAD = ThreadLocal.withInitial(GErrorSlot::new);

    private final BytePointer memory = new BytePointer(Long.BYTES); // freed with this object (JavaCPP's deallocator)
    private final ByteBuffer view = memory.capacity(Long.BYTES).asByteBuffer().order(ByteOrder.nativeOrder());
    private final PointerPointer<GError> out = new PointerPointer<>(memory);

    public GErrorSlot() {
        view.putLong(0, 0);
    }

    /** This thread's slot. */
    public static GErrorSlot ofThread() {
        return PER_THREAD.get();
    }

    /** The cleared slot, to pass as a call's last argument. */
    public PointerPointer<GError> out() {
        view.putLong(0, 0);
        return out;
    }

    /** Whether the call set a GError (it stays set until {@link #check()} or {@link #take()}). */
    public boolean isSet() {
        return view.getLong(0) != 0;
    }

    /** Throws the GError the call set, if any, as a typed {@link GioException}, and frees it. */
    public void check() throws GioException {
        if (isSet()) {
            throw take();
        }
    }

    /** Converts and frees the GError the call set (call only if {@link #isSet()}); the slot is cleared. */
    public GioException take() {
        long error = view.getLong(0);
        view.putLong(0, 0);
        return GErrors.take(new GError(new RawPointer(error)));
    }
}
