package org.gdtls.internal.glue;

import java.nio.Buffer;

import org.bytedeco.javacpp.Pointer;

/** Reads a direct buffer's native address without allocating (JavaCPP keeps this helper protected). */
public final class BufferAddress extends Pointer {
    private BufferAddress() {}

    public static long of(Buffer direct) {
        return getDirectBufferAddress(direct);
    }
}
