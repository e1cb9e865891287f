package org.gdtls;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.GioException;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GInputMessage;
import org.gdtls.internal.gen.GInputVector;
import org.gdtls.internal.gen.GOutputMessage;
import org.gdtls.internal.gen.GOutputVector;
import org.gdtls.internal.glue.BufferAddress;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.RawPointer;

/**
 * Native scratch for one direction of {@code g_datagram_based_send_messages}/{@code receive_messages}: an array
 * of messages, each with one vector pointing straight into the caller's direct {@link ByteBuffer} (no copy).
 * The C structs are written through a direct-buffer view at their C offsets, so filling a batch costs no JNI
 * call and allocates nothing; the whole batch then crosses JNI once. The call's {@code GError **} out-argument
 * is a slot in the same memory, passed as a {@code GError**} that JavaCPP hands to C as is: the
 * {@code @ByPtrPtr GError} form costs a JNI field write-back on every call, error or not. Not thread-safe: one
 * per direction per connection, used under that direction's lock.
 */
final class DatagramBatch {
    private static final long OUT_SIZE = Loader.sizeof(GOutputMessage.class);
    private static final long OUT_VECTORS = offset(GOutputMessage.class, "vectors");
    private static final long OUT_NUM_VECTORS = offset(GOutputMessage.class, "num_vectors");
    private static final long OUT_BYTES_SENT = offset(GOutputMessage.class, "bytes_sent");
    private static final long IN_SIZE = Loader.sizeof(GInputMessage.class);
    private static final long IN_VECTORS = offset(GInputMessage.class, "vectors");
    private static final long IN_NUM_VECTORS = offset(GInputMessage.class, "num_vectors");
    private static final long IN_BYTES_RECEIVED = offset(GInputMessage.class, "bytes_received");
    private static final long VECTOR_SIZE = Loader.sizeof(GOutputVector.class);
    private static final long VECTOR_BUFFER = offset(GOutputVector.class, "buffer");
    private static final long VECTOR_LENGTH = offset(GOutputVector.class, "size");

    static {
        if (VECTOR_SIZE != Loader.sizeof(GInputVector.class)) {
            throw new AssertionError("GInputVector and GOutputVector differ in size");
        }
    }

    private final boolean output;
    private int capacity;
    private BytePointer memory;   // [messages][vectors][GError *], zeroed
    private ByteBuffer view;      // the same memory, native byte order
    private int errorSlot;        // offset of the GError * in memory
    private PointerPointer<GError> errorOut;
    private GOutputMessage outMessages;
    private GInputMessage inMessages;

    DatagramBatch(boolean output) {
        this.output = output;
    }

    GOutputMessage outMessages() {
        return outMessages;
    }

    GInputMessage inMessages() {
        return inMessages;
    }

    /** The {@code GError **error} argument for the next call, cleared. */
    PointerPointer<GError> errorOut() {
        view.putLong(errorSlot, 0);
        return errorOut;
    }

    /** Throws the GError the call left in {@link #errorOut()}, if any, and frees it. */
    void checkError() throws GioException {
        long error = view.getLong(errorSlot);
        if (error != 0) {
            view.putLong(errorSlot, 0);
            throw GErrors.take(new GError(new RawPointer(error)));
        }
    }

    /** Points message i at the remaining bytes of {@code buffer} (a direct buffer). */
    void set(int i, ByteBuffer buffer) {
        long messageSize = output ? OUT_SIZE : IN_SIZE;
        int message = (int) (i * messageSize);
        int vector = (int) (capacity * messageSize + i * VECTOR_SIZE);
        long vectorAddress = memory.address() + vector;
        view.putLong(vector + (int) VECTOR_BUFFER, BufferAddress.of(buffer) + buffer.position());
        view.putLong(vector + (int) VECTOR_LENGTH, buffer.remaining());
        view.putLong(message + (int) (output ? OUT_VECTORS : IN_VECTORS), vectorAddress);
        view.putInt(message + (int) (output ? OUT_NUM_VECTORS : IN_NUM_VECTORS), 1);
        if (output) {
            view.putInt(message + (int) OUT_BYTES_SENT, 0);
        } else {
            view.putLong(message + (int) IN_BYTES_RECEIVED, 0);
        }
    }

    /** Bytes sent (output) or received (input) by message i after the call. */
    long transferred(int i) {
        return output ? Integer.toUnsignedLong(view.getInt((int) (i * OUT_SIZE + OUT_BYTES_SENT)))
                : view.getLong((int) (i * IN_SIZE + IN_BYTES_RECEIVED));
    }

    /** Makes room for {@code count} messages; reallocates only when the batch grows. */
    void ensureCapacity(int count) {
        if (count <= capacity) {
            return;
        }
        free();
        capacity = Math.max(count, 16);
        long slot = capacity * ((output ? OUT_SIZE : IN_SIZE) + VECTOR_SIZE); // a multiple of 8: pointer-aligned
        long bytes = slot + Long.BYTES;
        memory = new BytePointer(bytes);
        memory.fill(0); // address, control messages and flags stay NULL/0
        view = memory.capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
        errorSlot = (int) slot;
        errorOut = new PointerPointer<>(new RawPointer(memory.address() + slot));
        if (output) {
            outMessages = new GOutputMessage(memory);
        } else {
            inMessages = new GInputMessage(memory);
        }
    }

    void free() {
        if (memory != null) {
            memory.deallocate();
            memory = null;
            view = null;
            errorOut = null;
            outMessages = null;
            inMessages = null;
            capacity = 0;
        }
    }

    private static long offset(Class<? extends org.bytedeco.javacpp.Pointer> type, String member) {
        int offset = Loader.offsetof(type, member);
        if (offset < 0) {
            throw new AssertionError("no offset for " + type.getSimpleName() + "." + member);
        }
        return offset;
    }
}
