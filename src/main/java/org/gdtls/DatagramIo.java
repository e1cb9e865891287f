package org.gdtls;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.global.Gio;

/**
 * The datagram path of one connection: {@code g_datagram_based_send_messages}/{@code receive_messages} over
 * reusable native batches. One sender and one receiver may run at once (as GIO allows); calls of one direction
 * are serialized by that direction's lock, which also guards its batch. Callers hold a lease on the object.
 */
final class DatagramIo {
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final DatagramBatch sendBatch = new DatagramBatch(true);
    private final DatagramBatch receiveBatch = new DatagramBatch(false);
    /** One-element arrays for the single-datagram calls, so they allocate nothing; each under its direction's lock. */
    private final ByteBuffer[] oneToSend = new ByteBuffer[1];
    private final ByteBuffer[] oneToReceive = new ByteBuffer[1];

    /** Sends one datagram, as {@link #send(GDatagramBased, ByteBuffer[], int, int, Duration, Cancellable)}. */
    int sendOne(GDatagramBased target, ByteBuffer message, Duration timeout, Cancellable cancellable)
            throws GioException {
        Objects.requireNonNull(message, "message");
        sendLock.lock();
        try {
            oneToSend[0] = message;
            return sendLocked(target, oneToSend, 0, 1, timeout, cancellable);
        } finally {
            oneToSend[0] = null; // the caller's buffer is not kept
            sendLock.unlock();
        }
    }

    /** Receives one datagram, as {@link #receive(GDatagramBased, ByteBuffer[], int, int, Duration, Cancellable)}. */
    int receiveOne(GDatagramBased source, ByteBuffer buffer, Duration timeout, Cancellable cancellable)
            throws GioException {
        Objects.requireNonNull(buffer, "buffer");
        receiveLock.lock();
        try {
            oneToReceive[0] = buffer;
            return receiveLocked(source, oneToReceive, 0, 1, timeout, cancellable);
        } finally {
            oneToReceive[0] = null;
            receiveLock.unlock();
        }
    }

    int send(GDatagramBased target, ByteBuffer[] messages, int offset, int length, Duration timeout,
             Cancellable cancellable) throws GioException {
        sendLock.lock();
        try {
            return sendLocked(target, messages, offset, length, timeout, cancellable);
        } finally {
            sendLock.unlock();
        }
    }

    int receive(GDatagramBased source, ByteBuffer[] buffers, int offset, int length, Duration timeout,
                Cancellable cancellable) throws GioException {
        receiveLock.lock();
        try {
            return receiveLocked(source, buffers, offset, length, timeout, cancellable);
        } finally {
            receiveLock.unlock();
        }
    }

    private int sendLocked(GDatagramBased target, ByteBuffer[] messages, int offset, int length, Duration timeout,
                           Cancellable cancellable) throws GioException {
        long timeoutMicros = micros(timeout);
        ByteBuffer[] direct = directView(messages, offset, length, true);
        sendBatch.ensureCapacity(Math.max(length, 1));
        for (int i = 0; i < length; i++) {
            sendBatch.set(i, direct[offset + i]);
        }
        PointerPointer<GError> error = sendBatch.errorOut();
        int sent;
        GCancellable cancel = Cancellable.acquire(cancellable); // outside the try: release only what was acquired
        try {
            sent = Gio.g_datagram_based_send_messages(target, sendBatch.outMessages(), length, 0,
                    timeoutMicros, cancel, error);
        } finally {
            Cancellable.release(cancellable);
        }
        sendBatch.checkError();
        for (int i = 0; i < sent; i++) {
            ByteBuffer b = messages[offset + i];
            b.position(b.position() + (int) sendBatch.transferred(i));
        }
        return sent;
    }

    private int receiveLocked(GDatagramBased source, ByteBuffer[] buffers, int offset, int length, Duration timeout,
                              Cancellable cancellable) throws GioException {
        long timeoutMicros = micros(timeout);
        ByteBuffer[] direct = directView(buffers, offset, length, false);
        receiveBatch.ensureCapacity(Math.max(length, 1));
        for (int i = 0; i < length; i++) {
            receiveBatch.set(i, direct[offset + i]);
        }
        PointerPointer<GError> error = receiveBatch.errorOut();
        int received;
        GCancellable cancel = Cancellable.acquire(cancellable);
        try {
            received = Gio.g_datagram_based_receive_messages(source, receiveBatch.inMessages(), length, 0,
                    timeoutMicros, cancel, error);
        } finally {
            Cancellable.release(cancellable);
        }
        receiveBatch.checkError();
        for (int i = 0; i < received; i++) {
            ByteBuffer stand = direct[offset + i];
            int n = (int) Math.min(receiveBatch.transferred(i), stand.remaining());
            ByteBuffer target = buffers[offset + i];
            if (target == stand) {
                target.position(target.position() + n);
            } else {
                target.put(stand.duplicate().limit(stand.position() + n));
            }
        }
        return received;
    }

    /** Once no call can run any more (the connection's last lease ended). */
    void free() {
        sendBatch.free();
        receiveBatch.free();
    }

    /** Heap buffers get a direct stand-in (a copy of the data to send, or room to receive into). */
    private static ByteBuffer[] directView(ByteBuffer[] buffers, int offset, int length, boolean copyIn) {
        ByteBuffer[] result = buffers;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = Objects.requireNonNull(buffers[i], "buffer");
            if (!copyIn && b.isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer");
            }
            if (!b.isDirect()) {
                if (result == buffers) {
                    result = buffers.clone();
                }
                ByteBuffer stand = ByteBuffer.allocateDirect(b.remaining());
                if (copyIn) {
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
}
