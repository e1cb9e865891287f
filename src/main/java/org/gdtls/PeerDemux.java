package org.gdtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GObject;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.GSocketAddress;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.ObjectHandle;

/**
 * The glue's {@code GdtlsPeerDemux} over a {@link UdpSocket}: datagrams of registered senders go to their
 * {@link PeerTransport} in C; {@link #receive} returns only a ClientHello from a sender with no transport. One
 * reader thread; the other methods are thread-safe.
 */
final class PeerDemux implements AutoCloseable {
    /** The counters' order in the glue (GdtlsDemuxCounter). */
    static final int RECEIVED = 0, DELIVERED = 1, QUEUE_FULL = 2, STRAY = 3, HELLOS = 4, PEERS = 5, SHORT = 6,
            COUNTERS = 7;

    private final ObjectHandle<GObject> handle;
    private final ByteBuffer hello = ByteBuffer.allocateDirect(Glue.GDTLS_DEMUX_MAX_DATAGRAM);
    private final BytePointer helloPointer = new BytePointer(hello);
    private final PointerPointer<GSocketAddress> sender = new PointerPointer<>(1);
    private volatile long[] lastCounters; // read at close: stats after the server's close still count

    PeerDemux(UdpSocket socket) {
        GSocket s = socket.handle.acquire();
        try {
            handle = new ObjectHandle<>(this, Glue.gdtls_peer_demux_new(s), "PeerDemux");
        } finally {
            socket.handle.release();
        }
    }

    /**
     * Delivers datagrams until a ClientHello from a new sender arrives, and returns that sender; the datagram is in
     * {@link #hello()} (position 0, limit its length). Reader thread only.
     *
     * @throws IOErrorException TIMED_OUT after {@code timeout} without such a datagram; CANCELLED; CLOSED
     */
    InetSocketAddress receive(Duration timeout, Cancellable cancellable) throws GioException {
        GObject demux = handle.acquire();
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            long n;
            GCancellable cancel = Cancellable.acquire(cancellable);
            try {
                n = Glue.gdtls_peer_demux_receive(demux, helloPointer, hello.capacity(), sender,
                        timeout.toNanos() / 1000, cancel, error.out());
            } finally {
                Cancellable.release(cancellable);
            }
            if (n < 0) {
                throw error.take();
            }
            hello.clear().limit((int) Math.min(n, hello.capacity()));
            return UdpSocket.GSocketAddressRef.adopt(new GSocketAddress(sender.get(0)));
        } finally {
            handle.release();
        }
    }

    /** The last ClientHello {@link #receive} returned. */
    ByteBuffer hello() {
        return hello;
    }

    /** A transport for {@code peer}, registered: its datagrams are queued on it from now on. Null if one is. */
    PeerTransport add(InetSocketAddress peer, int capacity) {
        GObject demux = handle.acquire();
        try (UdpSocket.GSocketAddressRef address = UdpSocket.GSocketAddressRef.of(peer)) {
            GDatagramBased transport = Glue.gdtls_peer_demux_add(demux, address.pointer, capacity);
            return transport == null || transport.isNull() ? null : PeerTransport.adopt(transport, peer);
        } finally {
            handle.release();
        }
    }

    /** Unregisters {@code transport} and shuts it; false if it was not registered (or this demux is closed). */
    boolean remove(PeerTransport transport) {
        GObject demux;
        try {
            demux = handle.acquire();
        } catch (IllegalStateException closed) {
            return false;
        }
        try {
            GDatagramBased t = transport.handle.acquire();
            try {
                return Glue.gdtls_peer_demux_remove(demux, t) != 0;
            } finally {
                transport.handle.release();
            }
        } catch (IllegalStateException transportClosed) {
            return false;
        } finally {
            handle.release();
        }
    }

    /** The native addresses of up to {@code into.capacity()} transports silent for {@code idle} or longer. */
    int collectIdle(Duration idle, PointerPointer<GDatagramBased> into) {
        GObject demux = handle.acquire();
        try {
            return Glue.gdtls_peer_demux_collect_idle(demux, idle.toNanos() / 1000, into, (int) into.capacity());
        } finally {
            handle.release();
        }
    }

    /** The glue's counters, in {@link #RECEIVED}... order; once closed, as they were at the close. */
    long[] counters() {
        long[] values = new long[COUNTERS];
        GObject demux;
        try {
            demux = handle.acquire();
        } catch (IllegalStateException closed) {
            long[] last = lastCounters;
            return last == null ? values : last.clone();
        }
        try {
            Glue.gdtls_peer_demux_counters(demux, values, COUNTERS);
            return values;
        } finally {
            handle.release();
        }
    }

    /** Drops the demux: every transport still registered is shut. Once the reader has stopped. */
    @Override
    public void close() {
        lastCounters = counters();
        handle.close();
    }
}
