package org.gdtls.internal.glue;

import java.lang.reflect.Field;
import java.nio.Buffer;

import org.bytedeco.javacpp.Pointer;

/**
 * Reads a direct buffer's native address without allocating. JavaCPP's helper (kept protected by JavaCPP, hence
 * the subclass) is a JNI call, and HotSpot's GetDirectBufferAddress also runs an instanceof check: on the
 * one-datagram-per-call path that was a second JNI crossing per datagram. Where {@code sun.misc.Unsafe} is
 * available (module jdk.unsupported) the same field, {@code java.nio.Buffer.address}, is read directly, as
 * GetDirectBufferAddress itself does; otherwise the JNI helper is used. Not from JDK 24 on: there the first
 * call of an Unsafe memory method prints a "terminally deprecated" warning to the user's console (JEP 498).
 */
public final class BufferAddress extends Pointer {
    /** JDK 23 deprecated Unsafe's memory methods quietly (JEP 471); JDK 24 warns on first use (JEP 498). */
    private static final int LAST_QUIET_UNSAFE_RELEASE = 23;
    private static final sun.misc.Unsafe UNSAFE;
    private static final long ADDRESS_OFFSET;

    static {
        sun.misc.Unsafe unsafe = null;
        long offset = -1;
        if (Runtime.version().feature() <= LAST_QUIET_UNSAFE_RELEASE) {
            try {
                Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
                offset = unsafe.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            } catch (Throwable unavailable) {
                unsafe = null; // e.g. a runtime without jdk.unsupported: the JNI helper still works
            }
        }
        UNSAFE = unsafe;
        ADDRESS_OFFSET = offset;
    }

    private BufferAddress() {}

    /** The address of element 0 of a direct buffer; 0 for a heap buffer (as JNI's GetDirectBufferAddress). */
    public static long of(Buffer direct) {
        if (UNSAFE == null) {
            return getDirectBufferAddress(direct);
        }
        return direct.isDirect() ? UNSAFE.getLong(direct, ADDRESS_OFFSET) : 0;
    }
}
