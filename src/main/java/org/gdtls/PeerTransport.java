package org.gdtls;

import java.net.InetSocketAddress;
import java.util.Objects;

import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.NativeLibrary;

/**
 * One remote peer of a shared, unconnected {@link UdpSocket}: the way one UDP port serves many DTLS peers, which
 * the backend cannot do by itself because it sends without an address. Sends go to the peer's address through
 * the shared socket. Receives take what the application {@link #deliver}s: it reads the shared socket itself
 * ({@link UdpSocket#receiveFrom}) and hands each datagram to the transport of its sender.
 *
 * <pre>{@code
 * ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
 * InetSocketAddress from = shared.receiveFrom(buffer.clear(), null, null);
 * PeerTransport peer = peers.computeIfAbsent(from, a -> startServerConnection(PeerTransport.create(shared, a)));
 * peer.deliver(buffer.flip());
 * }</pre>
 */
public final class PeerTransport extends QueuedTransport {
    private final InetSocketAddress peer;

    private PeerTransport(GDatagramBased owned, InetSocketAddress peer) {
        super(owned, "PeerTransport");
        this.peer = peer;
    }

    /** {@link #create(UdpSocket, InetSocketAddress, int)} with {@link #DEFAULT_CAPACITY}. */
    public static PeerTransport create(UdpSocket shared, InetSocketAddress peer) {
        return create(shared, peer, DEFAULT_CAPACITY);
    }

    /**
     * A transport for {@code peer} over {@code shared}, queueing at most {@code capacity} incoming datagrams. The
     * socket stays the caller's; the transport keeps its GObject alive. An IPv6 {@code peer}'s scope id is kept
     * (see {@link UdpSocket}), so a link-local sender returned by {@link UdpSocket#receiveFrom} is answered on its
     * own link.
     */
    @Wraps({"gdtls_peer_datagram_new", "g_inet_socket_address_new_from_string"})
    public static PeerTransport create(UdpSocket shared, InetSocketAddress peer, int capacity) {
        Objects.requireNonNull(shared, "shared");
        Objects.requireNonNull(peer, "peer");
        checkCapacity(capacity);
        NativeLibrary.ensureLoaded();
        GSocket socket = shared.handle.acquire();
        try (UdpSocket.GSocketAddressRef address = UdpSocket.GSocketAddressRef.of(peer)) {
            return new PeerTransport(Glue.gdtls_peer_datagram_new(socket, address.pointer, capacity), peer);
        } finally {
            shared.handle.release();
        }
    }

    /** Wraps a transport the glue made (a new reference, taken over), e.g. by {@link PeerDemux#add}. */
    static PeerTransport adopt(GDatagramBased owned, InetSocketAddress peer) {
        return new PeerTransport(owned, peer);
    }

    /** The peer this transport sends to and receives for. */
    public InetSocketAddress peer() {
        return peer;
    }

    @Override
    public String toString() {
        return "PeerTransport[" + peer + (handle.isClosed() ? ", closed" : "") + "]";
    }
}
