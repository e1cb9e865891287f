package org.gdtls.internal.datagram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.gdtls.internal.glue.NativeLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The direct-buffer address backend of this JDK gives what JavaCPP's JNI helper gives. */
class BufferAddressBackendTest {

    @BeforeAll
    static void load() {
        NativeLibrary.ensureLoaded(); // the batch reads C struct offsets at class initialization
    }

    @Test
    void backendIsTheOneForThisJdk() {
        int release = Runtime.version().feature();
        assertEquals(release <= 23 ? "unsafe" : "jni", DatagramBatch.addressBackend());
    }

    @Test
    void positionAddressIsTheBufferAddressPlusItsPosition() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        long base = new BytePointer(buffer).address(); // JavaCPP reads it with JNI's GetDirectBufferAddress
        for (int position : new int[] {0, 1, 7, 63}) {
            buffer.position(position);
            assertEquals(base + position, DatagramBatch.positionAddress(buffer), "position " + position);
            assertEquals(base + position, DatagramBatch.positionAddress(buffer.slice()), "slice at " + position);
            assertEquals(base + position, DatagramBatch.positionAddress(buffer.asReadOnlyBuffer()), "read-only");
        }
    }
}
