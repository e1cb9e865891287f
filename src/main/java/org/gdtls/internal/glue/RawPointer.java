package org.gdtls.internal.glue;

import org.bytedeco.javacpp.Pointer;

/** A pointer at an address that came through the trampoline or a struct field; typed with e.g. {@code new GTlsCertificate(p)}. */
public final class RawPointer extends Pointer {
    public RawPointer(long address) {
        this.address = address;
    }
}
