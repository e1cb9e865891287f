package org.gdtls.internal.datagram;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.GioException;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GInputMessage;
import org.gdtls.internal.gen.GInputVector;
import org.gdtls.internal.gen.GOutputMessage;
import org.gdtls.internal.gen.GOutputVector;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeCancellable;

/**
 * One direction of a connection's datagram path: {@code g_datagram_based_send_messages} or
 * {@code receive_messages} over native scratch that is reused from call to call. Each message has one vector
 * pointing straight into the caller's direct {@link ByteBuffer} (no copy; a heap buffer goes through a direct
 * stand-in). The C structs are written through a direct-buffer view at their C offsets, so filling a batch costs
 * no JNI call and allocates nothing; the whole batch then crosses JNI once. The call's {@code GError **} is the
 * batch's own {@link GErrorSlot}. Calls are serialized by the batch's lock.
 */
public final class DatagramBatch extends Pointer { // a Pointer only to reach JavaCPP's protected buffer-address helper
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
    private final ReentrantLock lock = new ReentrantLock();
    /** For the one-datagram calls, so they allocate nothing; under the lock. */
    private final ByteBuffer[] one = new ByteBuffer[1];
    private int capacity;
    private BytePointer memory;   // [messages][vectors], zeroed
    private ByteBuffer view;      // the same memory, native byte order
    private final GErrorSlot error = new GErrorSlot();
    /** Fetched once: {@link GErrorSlot#check} clears what a call set, so the slot is clear between calls. */
    private final PointerPointer<GError> errorOut = error.out();
    private GOutputMessage outMessages;
    private GInputMessage inMessages;

    DatagramBatch(boolean output) {
        this.output = output;
    }

    /** Sends or receives one datagram, as {@link #transfer}. */
    int transferOne(GDatagramBased target, ByteBuffer buffer, Duration timeout, NativeCancellable cancellable)
            throws GioException {
        Objects.requireNonNull(buffer, "buffer");
        lock.lock();
        try {
            one[0] = buffer;
            return transferLocked(target, one, 0, 1, timeout, cancellable);
        } finally {
            one[0] = null; // the caller's buffer is not kept
            lock.unlock();
        }
    }

    /**
     * Sends (or receives into) the remaining bytes of {@code length} buffers in one native call; the position of
     * each buffer that was transferred advances by its bytes. Returns how many datagrams were transferred.
     */
    int transfer(GDatagramBased target, ByteBuffer[] buffers, int offset, int length, Duration timeout,
                 NativeCancellable cancellable) throws GioException {
        lock.lock();
        try {
            return transferLocked(target, buffers, offset, length, timeout, cancellable);
        } finally {
            lock.unlock();
        }
    }

    private int transferLocked(GDatagramBased target, ByteBuffer[] buffers, int offset, int length, Duration timeout,
                               NativeCancellable cancellable) throws GioException {
        long timeoutMicros = micros(timeout);
        ByteBuffer[] direct = directView(buffers, offset, length);
        ensureCapacity(Math.max(length, 1));
        for (int i = 0; i < length; i++) {
            set(i, direct[offset + i]);
        }
        int done;
        // Outside the try: release only what was acquired. Tested here, so the common case (none) runs no code of it.
        GCancellable cancel = cancellable == null ? null : cancellable.acquire();
        try {
            done = output
                    ? Gio.g_datagram_based_send_messages(target, outMessages, length, 0, timeoutMicros, cancel, errorOut)
                    : Gio.g_datagram_based_receive_messages(target, inMessages, length, 0, timeoutMicros, cancel,
                            errorOut);
        } finally {
            if (cancellable != null) {
                cancellable.release();
            }
        }
        error.check();
        for (int i = 0; i < done; i++) {
            ByteBuffer stand = direct[offset + i];
            int n = (int) Math.min(transferred(i), stand.remaining());
            ByteBuffer b = buffers[offset + i];
            if (output || b == stand) {
                b.position(b.position() + n);
            } else {
                b.put(stand.duplicate().limit(stand.position() + n));
            }
        }
        return done;
    }

    /** Points message i at the remaining bytes of {@code buffer} (a direct buffer). */
    private void set(int i, ByteBuffer buffer) {
        long messageSize = output ? OUT_SIZE : IN_SIZE;
        int message = (int) (i * messageSize);
        int vector = (int) (capacity * messageSize + i * VECTOR_SIZE);
        long vectorAddress = memory.address() + vector;
        view.putLong(vector + (int) VECTOR_BUFFER, positionAddress(buffer));
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
    private long transferred(int i) {
        return output ? Integer.toUnsignedLong(view.getInt((int) (i * OUT_SIZE + OUT_BYTES_SENT)))
                : view.getLong((int) (i * IN_SIZE + IN_BYTES_RECEIVED));
    }

    /** Makes room for {@code count} messages; reallocates only when the batch grows. */
    private void ensureCapacity(int count) {
        if (count <= capacity) {
            return;
        }
        free();
        capacity = Math.max(count, 16);
        long bytes = capacity * ((output ? OUT_SIZE : IN_SIZE) + VECTOR_SIZE);
        memory = new BytePointer(bytes);
        memory.fill(0); // address, control messages and flags stay NULL/0
        view = memory.capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
        if (output) {
            outMessages = new GOutputMessage(memory);
        } else {
            inMessages = new GInputMessage(memory);
        }
    }

    /** Once no call can run any more (the connection's last lease ended). */
    void free() {
        lock.lock();
        try {
            if (memory != null) {
                memory.deallocate();
                memory = null;
                view = null;
                outMessages = null;
                inMessages = null;
                capacity = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Heap buffers get a direct stand-in (a copy of the data to send, or room to receive into). */
    private ByteBuffer[] directView(ByteBuffer[] buffers, int offset, int length) {
        ByteBuffer[] result = buffers;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = Objects.requireNonNull(buffers[i], "buffer");
            if (!output && b.isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer");
            }
            if (!b.isDirect()) {
                if (result == buffers) {
                    result = buffers.clone();
                }
                ByteBuffer stand = ByteBuffer.allocateDirect(b.remaining());
                if (output) {
                    stand.put(b.duplicate()).flip();
                }
                result[i] = stand;
            }
        }
        return result;
    }

    /** GIO's timeout argument: -1 blocks, 0 never waits, otherwise microseconds. */
    private static long micros(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        try {
            return timeout.toNanos() / 1000;
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static long offset(Class<? extends Pointer> type, String member) {
        int offset = Loader.offsetof(type, member);
        if (offset < 0) {
            throw new AssertionError("no offset for " + type.getSimpleName() + "." + member);
        }
        return offset;
    }

    // ---- direct buffer addresses: one backend per JDK, chosen once -------------------------------------------

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

    /**
     * The address of a direct buffer's position, allocating nothing. JavaCPP's helper is a JNI call (and HotSpot's
     * GetDirectBufferAddress runs an instanceof check): on the one-datagram path a second JNI crossing per
     * datagram. On JDK 17 to 23 the field {@code java.nio.Buffer.address} is read through {@code sun.misc.Unsafe}
     * instead, as GetDirectBufferAddress itself does; from JDK 24 (where the first Unsafe memory access prints a
     * "terminally deprecated" warning, JEP 498) the JNI helper is used. Not java.lang.foreign: a
     * {@code MemorySegment.ofBuffer(b).address()} costs no JNI call, but on JDK 25 its segment was not scalar-replaced
     * on this path (65 B per record in S2 single, 129 B per S3 round trip, against 0.02 and 1.8 B with JNI).
     * Only for direct buffers.
     */
    public static long positionAddress(Buffer direct) {
        long base = UNSAFE != null ? UNSAFE.getLong(direct, ADDRESS_OFFSET) : getDirectBufferAddress(direct);
        return base + direct.position();
    }

    /** The backend {@link #positionAddress} uses on this JDK, for tests and reports. */
    public static String addressBackend() {
        return UNSAFE != null ? "unsafe" : "jni";
    }
}
