package org.gdtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.BufferAddress;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;

/**
 * One remote peer of a shared, unconnected {@link UdpSocket}, as a {@code GDatagramBased} (the glue's
 * {@code GdtlsPeerDatagram}): the way one UDP port serves many DTLS peers, which the backend cannot do by itself
 * because it sends without an address. Sends go to the peer's address through the shared socket. Receives take
 * what the application {@link #deliver}s: it reads the shared socket itself ({@link UdpSocket#receiveFrom}) and
 * hands each datagram to the transport of its sender.
 *
 * <pre>{@code
 * ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
 * InetSocketAddress from = shared.receiveFrom(buffer.clear(), null, null);
 * PeerTransport peer = peers.computeIfAbsent(from, a -> startServerConnection(PeerTransport.create(shared, a)));
 * peer.deliver(buffer.flip());
 * }</pre>
 *
 * <p>The transport queues up to {@code capacity} datagrams; more are dropped, as a full socket buffer would, and
 * counted ({@link #dropped}). A connection over it may be created, used and closed like one over a socket.
 */
public final class PeerTransport implements DatagramTransport, AutoCloseable {
    /** Enough for a handshake flight and a window of application data. */
    public static final int DEFAULT_CAPACITY = 256;

    final ObjectHandle<GDatagramBased> handle;
    private final InetSocketAddress peer;

    private PeerTransport(GDatagramBased owned, InetSocketAddress peer) {
        this.handle = new ObjectHandle<>(this, owned, "PeerTransport");
        this.peer = peer;
    }

    /** {@link #create(UdpSocket, InetSocketAddress, int)} with {@link #DEFAULT_CAPACITY}. */
    public static PeerTransport create(UdpSocket shared, InetSocketAddress peer) {
        return create(shared, peer, DEFAULT_CAPACITY);
    }

    /** A transport for {@code peer} over {@code shared} (both stay the caller's; the transport keeps the GSocket alive). */
    @Wraps("gdtls_peer_datagram_new")
    public static PeerTransport create(UdpSocket shared, InetSocketAddress peer, int capacity) {
        Objects.requireNonNull(shared, "shared");
        Objects.requireNonNull(peer, "peer");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        NativeLibrary.ensureLoaded();
        GSocket socket = shared.handle.acquire();
        try (UdpSocket.GSocketAddressRef address = UdpSocket.GSocketAddressRef.of(peer)) {
            GDatagramBased created = Gio.gdtls_peer_datagram_new(socket, address.pointer, capacity);
            return new PeerTransport(created, peer);
        } finally {
            shared.handle.release();
        }
    }

    /** The peer this transport sends to and receives for. */
    public InetSocketAddress peer() {
        return peer;
    }

    /**
     * Queues the remaining bytes of {@code datagram} as the next datagram from the peer (copied once, in C),
     * waking a connection waiting for it. The buffer's position moves to its limit. Thread-safe.
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
            boolean queued = Gio.gdtls_peer_datagram_deliver(transport,
                    new RawPointer(BufferAddress.of(direct) + direct.position()), direct.remaining()) != 0;
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
            return Gio.gdtls_peer_datagram_dropped(transport);
        } finally {
            handle.release();
        }
    }

    /**
     * Ends the peer: once its queue is empty, a connection's receive fails with {@link IOErrorEnum#CLOSED} instead
     * of waiting (e.g. when the application stops demultiplexing). Sends still go out. Idempotent.
     */
    @Wraps("gdtls_peer_datagram_shut")
    public void shut() {
        GDatagramBased transport = handle.acquire();
        try {
            Gio.gdtls_peer_datagram_shut(transport);
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

    @Override
    public String toString() {
        return "PeerTransport[" + peer + (handle.isClosed() ? ", closed" : "") + "]";
    }
}
