package org.gdtls;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.async.DatagramWatch;
import org.gdtls.internal.datagram.ConditionWaits;
import org.gdtls.internal.datagram.DatagramBatch;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GInetAddress;
import org.gdtls.internal.gen.GInetSocketAddress;
import org.gdtls.internal.gen.GInputMessage;
import org.gdtls.internal.gen.GInputVector;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.GSocketAddress;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;

/**
 * A UDP {@code GSocket}, usable as the base socket of a DTLS connection. The DTLS backend sends without an
 * address, so {@link #connect} the socket to its one peer before the handshake.
 *
 * <p>{@link #conditionCheck} and {@link #conditionWait} are the socket's own ({@code g_socket_condition_check},
 * {@code g_socket_condition_timed_wait}): {@code IN} when a datagram is queued; closing the socket wakes a wait
 * with {@link IOErrorEnum#CLOSED}.
 *
 * <p>Addresses keep their IPv6 scope id both ways: an {@link Inet6Address} with a
 * {@link Inet6Address#getScopeId() scope id} (a link-local {@code fe80::…%2}) becomes a
 * {@code GInetSocketAddress} with that {@code scope-id}, and a sender, local or remote address GIO reports comes
 * back as an {@link Inet6Address} with the {@code GInetSocketAddress}'s scope id
 * ({@code g_inet_socket_address_get_scope_id}, GLib 2.32). This works alike on every GLib the binding supports: the
 * scope id GLib 2.86 adds to {@code GInetAddress} itself ({@code g_inet_address_get_scope_id}) is not needed. The
 * IPv6 flow label ({@code flowinfo}) has no place in {@link InetSocketAddress}: it is 0 on the way to GIO and
 * dropped on the way back.
 */
public final class UdpSocket implements DatagramTransport, AutoCloseable {
    final ObjectHandle<GSocket> handle;
    /** Set by close() before it pulls the socket from under the calls still inside GIO. */
    private volatile boolean shut;
    final ConditionWaits readiness;

    private UdpSocket(GSocket owned) {
        this.handle = new ObjectHandle<>(this, owned, "UdpSocket");
        this.readiness = new ConditionWaits(handle, this::closedIfShut, null, this::isShut);
    }

    /** Wraps a GSocket the caller owns a reference to (transfer full). */
    static UdpSocket adopt(GSocket owned) {
        return new UdpSocket(owned);
    }

    /**
     * {@code g_socket_new}: an unbound UDP socket of {@code family} ({@code INET} or {@code INET6}).
     * {@link #connect} binds it to an ephemeral port.
     */
    @Wraps("g_socket_new")
    public static UdpSocket open(StandardProtocolFamily family) throws GioException {
        Objects.requireNonNull(family, "family");
        NativeLibrary.ensureLoaded();
        int gFamily = switch (family) {
            case INET -> Gio.G_SOCKET_FAMILY_IPV4;
            case INET6 -> Gio.G_SOCKET_FAMILY_IPV6;
            default -> throw new IllegalArgumentException("not an IP family: " + family);
        };
        GErrorSlot error = GErrorSlot.ofThread();
        GSocket socket = Gio.g_socket_new(gFamily, Gio.G_SOCKET_TYPE_DATAGRAM, Gio.G_SOCKET_PROTOCOL_UDP, error.out());
        error.check();
        return new UdpSocket(socket);
    }

    /** {@link #open} (family of the address) then {@code g_socket_bind}; port 0 picks a free port. */
    @Wraps({"g_socket_bind", "g_inet_socket_address_new_from_string"})
    public static UdpSocket bind(InetSocketAddress local) throws GioException {
        Objects.requireNonNull(local, "local");
        UdpSocket udp = open(literal(local).getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            udp.bindTo(local);
            return udp;
        } catch (GioException | RuntimeException e) {
            udp.close();
            throw e;
        }
    }

    private void bindTo(InetSocketAddress local) throws GioException {
        GSocket socket = handle.acquire();
        try (GSocketAddressRef address = GSocketAddressRef.of(local)) {
            GErrorSlot error = GErrorSlot.ofThread();
            Gio.g_socket_bind(socket, address.pointer, 0, error.out());
            error.check();
        } finally {
            handle.release();
        }
    }

    /** {@code g_socket_connect}: fixes the peer; datagrams from other addresses are dropped by the kernel. */
    @Wraps({"g_socket_connect", "g_inet_socket_address_new_from_string"})
    public void connect(InetSocketAddress remote) throws GioException {
        Objects.requireNonNull(remote, "remote");
        GSocket socket = handle.acquire();
        try (GSocketAddressRef address = GSocketAddressRef.of(remote)) {
            GErrorSlot error = GErrorSlot.ofThread();
            Gio.g_socket_connect(socket, address.pointer, null, error.out());
            error.check();
        } finally {
            handle.release();
        }
    }

    // <sys/socket.h> on Linux (every architecture this library builds for): SOL_SOCKET 1, SO_RCVBUF 8.
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;

    /**
     * {@code g_socket_set_option(SOL_SOCKET, SO_RCVBUF)}: asks the kernel for a receive buffer of {@code bytes}.
     * Linux caps the request at {@code net.core.rmem_max} and doubles it for its bookkeeping; read the result
     * with {@link #receiveBufferSize()}. One socket shared by many peers needs far more than the default (about
     * 208 KiB): a burst from all of them at once is otherwise dropped by the kernel before anyone reads it.
     */
    @Wraps("g_socket_set_option")
    public void setReceiveBufferSize(int bytes) throws GioException {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        GSocket socket = handle.acquire();
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            Gio.g_socket_set_option(socket, SOL_SOCKET, SO_RCVBUF, bytes, error.out());
            error.check();
        } finally {
            handle.release();
        }
    }

    /** {@code g_socket_get_option(SOL_SOCKET, SO_RCVBUF)}: the receive buffer the kernel gave, in bytes. */
    @Wraps("g_socket_get_option")
    public int receiveBufferSize() throws GioException {
        GSocket socket = handle.acquire();
        try (IntPointer value = new IntPointer(1)) {
            GErrorSlot error = GErrorSlot.ofThread();
            Gio.g_socket_get_option(socket, SOL_SOCKET, SO_RCVBUF, value, error.out());
            error.check();
            return value.get();
        } finally {
            handle.release();
        }
    }

    /** {@code g_socket_get_local_address}. */
    @Wraps({"g_socket_get_local_address", "g_inet_socket_address_get_scope_id"})
    public InetSocketAddress localAddress() throws GioException {
        GSocket socket = handle.acquire();
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            GSocketAddress address = Gio.g_socket_get_local_address(socket, error.out());
            error.check();
            return GSocketAddressRef.adopt(address);
        } finally {
            handle.release();
        }
    }

    /** {@code g_socket_get_remote_address}: fails with {@code NOT_CONNECTED} before {@link #connect}. */
    @Wraps({"g_socket_get_remote_address", "g_inet_socket_address_get_scope_id"})
    public InetSocketAddress remoteAddress() throws GioException {
        GSocket socket = handle.acquire();
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            GSocketAddress address = Gio.g_socket_get_remote_address(socket, error.out());
            error.check();
            return GSocketAddressRef.adopt(address);
        } finally {
            handle.release();
        }
    }

    /**
     * The sender of the next datagram, without consuming it ({@code g_datagram_based_receive_messages} on the
     * socket with {@code G_SOCKET_MSG_PEEK}): how a DTLS server learns its client's address from the first
     * ClientHello before it {@link #connect}s, as glib-networking's own tests do. The datagram stays queued for
     * the connection's handshake.
     *
     * @param timeout null waits for ever; otherwise fails with {@link IOErrorEnum#TIMED_OUT} ({@link Duration#ZERO}:
     *     {@link IOErrorEnum#WOULD_BLOCK} unless one is already queued)
     */
    @Wraps({"g_datagram_based_receive_messages", "g_inet_socket_address_get_scope_id"})
    public InetSocketAddress peekSender(Duration timeout, Cancellable cancellable) throws GioException {
        try (BytePointer one = new BytePointer(1)) {
            return receiveOne(one.address(), 1, Gio.G_SOCKET_MSG_PEEK, timeout, cancellable, null);
        }
    }

    /**
     * Receives the next datagram into {@code buffer} (from its position; the position advances by the bytes
     * received, and a longer datagram is truncated) and returns its sender: the read side of a server that
     * shares one unconnected socket between many peers and hands each datagram to its {@link PeerTransport}.
     * A direct buffer is filled in place; a heap buffer through a temporary direct copy.
     *
     * @param timeout null waits for ever; otherwise fails with {@link IOErrorEnum#TIMED_OUT} ({@link Duration#ZERO}:
     *     {@link IOErrorEnum#WOULD_BLOCK} unless one is already queued)
     */
    @Wraps({"g_datagram_based_receive_messages", "g_inet_socket_address_get_scope_id"})
    public InetSocketAddress receiveFrom(ByteBuffer buffer, Duration timeout, Cancellable cancellable)
            throws GioException {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        ByteBuffer target = buffer.isDirect() ? buffer : ByteBuffer.allocateDirect(buffer.remaining());
        long[] received = new long[1];
        InetSocketAddress sender = receiveOne(DatagramBatch.positionAddress(target), target.remaining(), 0,
                timeout, cancellable, received);
        int n = (int) Math.min(received[0], target.remaining());
        if (target == buffer) {
            buffer.position(buffer.position() + n);
        } else {
            buffer.put(target.limit(n));
        }
        return sender;
    }

    /** One datagram into {@code size} bytes at {@code address}; its length goes to {@code received[0]}. */
    private InetSocketAddress receiveOne(long address, long size, int flags, Duration timeout, Cancellable cancellable,
                                         long[] received) throws GioException {
        long timeoutMicros = timeout == null ? -1 : timeout.toNanos() / 1000;
        GSocket socket = handle.acquire();
        try {
            GCancellable cancel = Cancellable.acquire(cancellable);
            try (GInputVector vector = new GInputVector().buffer(new RawPointer(address)).size(size);
                 PointerPointer<GSocketAddress> sender = new PointerPointer<>(1);
                 GInputMessage message = new GInputMessage()) {
                message._address(sender).vectors(vector).num_vectors(1).bytes_received(0).flags(0)
                        .control_messages((PointerPointer<?>) null).num_control_messages(null);
                GErrorSlot error = GErrorSlot.ofThread();
                Gio.g_datagram_based_receive_messages(new GDatagramBased(socket), message, 1, flags, timeoutMicros,
                        cancel, error.out());
                if (error.isSet()) {
                    throw closedIfShut(error.take());
                }
                if (received != null) {
                    received[0] = message.bytes_received();
                }
                return GSocketAddressRef.adopt(new GSocketAddress(sender.get(0)));
            } finally {
                Cancellable.release(cancellable);
            }
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_datagram_based_create_source} on the socket: calls {@code callback} on {@code pump}'s thread while
     * the socket is ready for {@code conditions} (e.g. a first datagram to {@link #peekSender}) and the callback
     * returns true. Close the subscription to stop.
     */
    @Wraps("g_datagram_based_create_source")
    public Subscription watch(MainContextPump pump, Set<IOCondition> conditions, Cancellable cancellable,
                              Predicate<Set<IOCondition>> callback) {
        Objects.requireNonNull(pump, "pump");
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(callback, "callback");
        GSocket socket = handle.acquire();
        try {
            return DatagramWatch.start(MainContextPump.loop(pump), new GDatagramBased(socket), conditions,
                    Cancellable.core(cancellable), callback);
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_socket_close}, and safe while other threads are blocked on the socket: each of them, and each
     * {@link DtlsConnection} call waiting on it, fails at once with {@link IOErrorEnum#CLOSED}. The port is
     * released now. The descriptor number stays held by a dead socket until no connection over this socket
     * remains, so that a call still on its way never reaches a descriptor the process has since reused; GIO
     * closes it when the GSocket is finalized. Drops this wrapper's reference. Idempotent.
     */
    @Override
    @Wraps({"g_socket_close", "gdtls_socket_shut"})
    public void close() {
        GSocket socket;
        try {
            socket = handle.acquire();
        } catch (IllegalStateException alreadyClosed) {
            return;
        }
        try {
            shut = true;
            readiness.wakeAll();
            if (Glue.gdtls_socket_shut(socket) < 0) {
                // no descriptor left for the dead socket: close as C would, the pollers are awake already
                GErrorSlot error = GErrorSlot.ofThread();
                Gio.g_socket_close(socket, error.out());
                if (error.isSet()) {
                    error.take();
                }
            }
        } finally {
            handle.release();
            handle.close();
        }
    }

    /** True once {@link #close} has begun: calls failing on the socket from then on report CLOSED. */
    boolean isShut() {
        return shut;
    }

    /**
     * What a call on this socket reports if close() pulled the socket from under it: CLOSED, as GIO reports
     * after {@code g_socket_close}, instead of the dead socket's NOT_CONNECTED or BROKEN_PIPE.
     */
    GioException closedIfShut(GioException failure) {
        if (!shut || failure instanceof IOErrorException io && io.code() == IOErrorEnum.CLOSED) {
            return failure;
        }
        IOErrorException closed = new IOErrorException(IOErrorEnum.CLOSED.code(), "Socket is closed");
        closed.initCause(failure);
        return closed;
    }

    static InetAddress literal(InetSocketAddress address) {
        if (address.isUnresolved()) {
            try {
                return InetAddress.getByName(address.getHostString());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve " + address.getHostString(), e);
            }
        }
        return address.getAddress();
    }

    /** A GSocketAddress this code owns, released with try-with-resources. */
    static final class GSocketAddressRef implements AutoCloseable {
        final GSocketAddress pointer;

        private GSocketAddressRef(GSocketAddress pointer) {
            this.pointer = pointer;
        }

        /**
         * {@code g_inet_socket_address_new_from_string}: for IPv6 with the numeric scope id appended
         * ({@code fe80::1%2}), which GLib parses (with {@code getaddrinfo}) into the address's {@code scope-id}.
         */
        static GSocketAddressRef of(InetSocketAddress address) {
            InetAddress literal = literal(address);
            String ip = literal.getHostAddress();
            if (literal instanceof Inet6Address v6) {
                int percent = ip.indexOf('%'); // Java may name the interface (%eth0): GLib gets the number
                ip = (percent < 0 ? ip : ip.substring(0, percent))
                        + (v6.getScopeId() != 0 ? "%" + Integer.toUnsignedString(v6.getScopeId()) : "");
            }
            try (BytePointer s = CStrings.utf8(ip)) {
                GSocketAddress p = Gio.g_inet_socket_address_new_from_string(s, address.getPort());
                if (p == null || p.isNull()) {
                    throw new IllegalArgumentException("not an IP address: " + ip);
                }
                return new GSocketAddressRef(p);
            }
        }

        /**
         * Converts an owned GSocketAddress (transfer full) and unrefs it: the address from its bytes, and for IPv6
         * the scope id ({@code g_inet_socket_address_get_scope_id}); the flow label is dropped.
         */
        static InetSocketAddress adopt(GSocketAddress address) {
            try (GSocketAddressRef ref = new GSocketAddressRef(address)) {
                GInetSocketAddress inet = new GInetSocketAddress(address);
                GInetAddress ip = Gio.g_inet_socket_address_get_address(inet); // transfer none
                int size = (int) Gio.g_inet_address_get_native_size(ip);
                byte[] bytes = new byte[size];
                Gio.g_inet_address_to_bytes(ip).get(bytes); // transfer none, 4 or 16 bytes
                int port = Short.toUnsignedInt(Gio.g_inet_socket_address_get_port(inet));
                int scope = Gio.g_inet_address_get_family(ip) == Gio.G_SOCKET_FAMILY_IPV6
                        ? Gio.g_inet_socket_address_get_scope_id(inet) : 0;
                InetAddress java = scope != 0 ? Inet6Address.getByAddress(null, bytes, scope)
                        : InetAddress.getByAddress(bytes);
                return new InetSocketAddress(java, port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("GIO returned an address Java cannot hold", e);
            }
        }

        @Override
        public void close() {
            Gio.g_object_unref(pointer);
        }
    }
}
