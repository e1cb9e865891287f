package org.gdtls;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.gdtls.internal.datagram.DatagramBatch;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;

/**
 * A transport whose incoming datagrams the application {@link #deliver}s (the glue's {@code GdtlsPeerDatagram}):
 * a connection's receives, timeouts, cancellation and sources wait on its queue as they would on a socket. What
 * differs is where sends go: to one peer of a shared socket ({@link PeerTransport}) or to Java code
 * ({@link CustomTransport}).
 */
public abstract sealed class QueuedTransport implements DatagramTransport, AutoCloseable
        permits PeerTransport, CustomTransport {
    /** Enough for a handshake flight and a window of application data. */
    public static final int DEFAULT_CAPACITY = 256;

    final ObjectHandle<GDatagramBased> handle;

    QueuedTransport(GDatagramBased owned, String what) {
        this.handle = new ObjectHandle<>(this, owned, what);
    }

    static void checkCapacity(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
    }

    /**
     * Queues the remaining bytes of {@code datagram} as the next datagram received (copied once, in C), waking
     * a connection waiting for it. The buffer's position moves to its limit. Thread-safe. At most the capacity
     * given at creation waits; more are dropped, as by a full socket buffer, and counted ({@link #dropped}).
     *
     * @return false if it was dropped: the queue is full, or the transport was {@link #shut}
     */
    @Wraps("gdtls_peer_datagram_deliver")
    public boolean deliver(ByteBuffer datagram) {
        Objects.requireNonNull(datagram, "datagram");
        ByteBuffer direct = datagram.isDirect() ? datagram : ByteBuffer.allocateDirect(datagram.remaining())
                .put(datagram.duplicate()).flip();
        GDatagramBased transport = handle.acquire();
        try {
            boolean queued = Glue.gdtls_peer_datagram_deliver(transport,
                    new RawPointer(DatagramBatch.positionAddress(direct)), direct.remaining()) != 0;
            datagram.position(datagram.limit());
            return queued;
        } finally {
            handle.release();
        }
    }

    /** Datagrams {@link #deliver} dropped because the queue was full. */
    @Wraps("gdtls_peer_datagram_dropped")
    public long dropped() {
        GDatagramBased transport = handle.acquire();
        try {
            return Glue.gdtls_peer_datagram_dropped(transport);
        } finally {
            handle.release();
        }
    }

    /**
     * Ends the incoming side: once the queue is empty, a connection's receive fails with
     * {@link IOErrorEnum#CLOSED} instead of waiting (e.g. when the application stops delivering). Sends still go
     * out. Idempotent.
     */
    @Wraps("gdtls_peer_datagram_shut")
    public void shut() {
        GDatagramBased transport = handle.acquire();
        try {
            Glue.gdtls_peer_datagram_shut(transport);
        } finally {
            handle.release();
        }
    }

    /** {@link #shut()} and drops this wrapper's reference; connections over the transport keep theirs. */
    @Override
    public void close() {
        try {
            shut();
        } catch (IllegalStateException alreadyClosed) {
            return;
        }
        handle.close();
    }

    /** The native object's address, for diagnostics and the test oracle only. */
    long address() {
        return handle.address();
    }
}
