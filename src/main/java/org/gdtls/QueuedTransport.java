package org.gdtls;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.gdtls.internal.datagram.ConditionWaits;
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
 *
 * <p>{@link #conditionCheck} reports {@code IN} while a delivered datagram waits in the queue, and once the
 * transport is {@link #shut} (a receive then returns at once, with {@link IOErrorEnum#CLOSED} when the queue is
 * empty); {@code OUT} when the shared socket of a {@link PeerTransport} is writable, always for a
 * {@link CustomTransport}. {@link #conditionWait} is the glue's, written as GSocket's
 * ({@code g_socket_condition_timed_wait}): it sleeps until {@link #deliver} or {@link #shut} (or the shared socket
 * becoming writable, for {@code OUT}), the timeout or the cancellable, without polling. Closing this wrapper wakes
 * it with {@link IOErrorEnum#CLOSED}; closing the shared {@link UdpSocket} of a {@link PeerTransport} does not end
 * a wait for {@code IN} (its datagrams come from {@link #deliver}).
 */
public abstract sealed class QueuedTransport implements DatagramTransport, AutoCloseable
        permits PeerTransport, CustomTransport {
    /** Enough for a handshake flight and a window of application data. */
    public static final int DEFAULT_CAPACITY = 256;

    final ObjectHandle<GDatagramBased> handle;
    final ConditionWaits readiness;

    QueuedTransport(GDatagramBased owned, String what) {
        this.handle = new ObjectHandle<>(this, owned, what);
        this.readiness = new ConditionWaits(handle, failure -> failure, null, () -> false);
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

    /**
     * {@link #shut()} and drops this wrapper's reference; connections over the transport keep theirs. A condition
     * wait on this wrapper ends with {@link IOErrorEnum#CLOSED}.
     */
    @Override
    public void close() {
        readiness.wakeAll(); // first: the shut below would end a wait for IN as "ready"
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
