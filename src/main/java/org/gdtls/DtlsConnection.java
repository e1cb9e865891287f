package org.gdtls;

import java.io.Closeable;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GDtlsConnection;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.CallbackTarget;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.ObjectHandle;

/**
 * A {@code GDtlsConnection}: DTLS over a datagram base socket, as GIO's TLS backend (glib-networking, GnuTLS)
 * does it. The object is also a {@code GDatagramBased}: {@link #send}/{@link #receive} carry application data.
 *
 * <p>Thread safety: as in GIO, one thread may send while another receives; calls of one direction are
 * serialized. {@link #close()} may be called from any thread, but like {@code g_dtls_connection_close} it waits
 * for a handshake or a blocking receive in progress (a handshake up to 60 s against a silent peer): give those
 * calls a timeout or a {@link Cancellable} and cancel it first. The native object is released once no call is
 * running on it.
 */
public abstract sealed class DtlsConnection implements Closeable
        permits DtlsClientConnection, DtlsServerConnection {
    final ObjectHandle<GDtlsConnection> handle;
    private final GDatagramBased datagramBased; // the same object, typed for the g_datagram_based_* calls
    private final Map<Long, AcceptCertificateListener> acceptListeners = new ConcurrentHashMap<>();
    private final Map<Long, Long> handlerIds = new ConcurrentHashMap<>(); // registry handle -> GLib handler id
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final DatagramBatch sendBatch = new DatagramBatch(true);
    private final DatagramBatch receiveBatch = new DatagramBatch(false);

    DtlsConnection(GDatagramBased owned, String what) {
        this.handle = new ObjectHandle<>(this, new GDtlsConnection(owned), what);
        this.datagramBased = owned;
        handle.setBeforeUnref(this::releaseNativeState);
    }

    // ---- handshake and close ------------------------------------------------------------------------------

    /**
     * {@code g_dtls_connection_handshake}: runs the handshake now (otherwise the first I/O does). Blocks; the
     * backend resends after 1 s and gives up after 60 s against a silent peer.
     *
     * @throws TlsErrorException e.g. {@link TlsError#BAD_CERTIFICATE} when the peer's certificate is refused
     */
    public void handshake() throws GioException {
        handshake(null);
    }

    /**
     * {@code g_dtls_connection_handshake} with a {@code GCancellable}: cancelling it from another thread ends
     * the handshake with {@link IOErrorEnum#CANCELLED} (GIO notices within about a second).
     */
    public void handshake(Cancellable cancellable) throws GioException {
        GDtlsConnection conn = acquireForIo();
        try {
            GError error = GErrors.slot();
            Gio.g_dtls_connection_handshake(conn, Cancellable.acquire(cancellable), error);
            GErrors.check(error);
        } finally {
            Cancellable.release(cancellable);
            handle.release();
        }
    }

    /**
     * {@code g_dtls_connection_shutdown}: sends close_notify if {@code write}; further I/O in a shut direction
     * fails. The connection stays open until {@link #close()}.
     */
    public void shutdown(boolean read, boolean write) throws GioException {
        GDtlsConnection conn = handle.acquire();
        try {
            GError error = GErrors.slot();
            Gio.g_dtls_connection_shutdown(conn, read ? 1 : 0, write ? 1 : 0, null, error);
            GErrors.check(error);
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_dtls_connection_close} (sends close_notify, does not wait for the peer's), then releases the
     * native object and disconnects every listener. The base socket stays open. Closing again does nothing.
     * The object is released even if GIO reports an error, which is then thrown.
     */
    @Override
    public void close() throws GioException {
        GDtlsConnection conn;
        try {
            conn = handle.acquire();
        } catch (IllegalStateException alreadyClosed) {
            return;
        }
        try {
            GError error = GErrors.slot();
            Gio.g_dtls_connection_close(conn, null, error);
            GErrors.check(error);
        } finally {
            handle.release();
            handle.close();
        }
    }

    public boolean isClosed() {
        return handle.isClosed();
    }

    // ---- state after the handshake ------------------------------------------------------------------------

    /** {@code g_dtls_connection_get_protocol_version}: {@link ProtocolVersion#UNKNOWN} before the handshake. */
    public ProtocolVersion protocolVersion() {
        GDtlsConnection conn = handle.acquire();
        try {
            return ProtocolVersion.fromCode(Gio.g_dtls_connection_get_protocol_version(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_ciphersuite_name} (transfer full), in GnuTLS naming; null before the handshake. */
    public String ciphersuiteName() {
        GDtlsConnection conn = handle.acquire();
        try {
            return CStrings.owned(Gio.g_dtls_connection_get_ciphersuite_name(conn));
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_dtls_connection_set_advertised_protocols}: the ALPN protocols to offer, most preferred first;
     * null or empty offers none. Set before the handshake.
     */
    public void setAdvertisedProtocols(List<String> protocols) {
        GDtlsConnection conn = handle.acquire();
        try {
            if (protocols == null || protocols.isEmpty()) {
                Gio.g_dtls_connection_set_advertised_protocols(conn, (PointerPointer<?>) null);
                return;
            }
            BytePointer[] strings = new BytePointer[protocols.size()];
            try (PointerPointer<BytePointer> array = new PointerPointer<>(protocols.size() + 1L)) {
                for (int i = 0; i < strings.length; i++) {
                    strings[i] = CStrings.utf8(Objects.requireNonNull(protocols.get(i), "protocol"));
                    array.put(i, strings[i]);
                }
                array.put(strings.length, null); // NULL-terminated; GIO copies the strings
                Gio.g_dtls_connection_set_advertised_protocols(conn, array);
            } finally {
                for (BytePointer s : strings) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_negotiated_protocol} (transfer none): null if ALPN found no common protocol. */
    public String negotiatedProtocol() {
        GDtlsConnection conn = handle.acquire();
        try {
            return CStrings.borrowed(Gio.g_dtls_connection_get_negotiated_protocol(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_set_certificate}: this side's certificate (with private key). */
    public void setCertificate(TlsCertificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        GDtlsConnection conn = handle.acquire();
        try {
            GTlsCertificate cert = certificate.handle.acquire();
            try {
                Gio.g_dtls_connection_set_certificate(conn, cert); // GIO takes its own reference
            } finally {
                certificate.handle.release();
            }
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_peer_certificate} (transfer none: the result holds its own reference), or null. */
    public TlsCertificate peerCertificate() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsCertificate.borrow(Gio.g_dtls_connection_get_peer_certificate(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_peer_certificate_errors}: what validation found wrong with the peer. */
    public Set<TlsCertificateFlags> peerCertificateErrors() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsCertificateFlags.fromBits(Gio.g_dtls_connection_get_peer_certificate_errors(conn));
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_dtls_connection_set_database}: the trust anchors to validate the peer against; {@code null}
     * disables validation against any CA (every peer certificate then has {@link TlsCertificateFlags#UNKNOWN_CA}).
     */
    public void setDatabase(TlsDatabase database) {
        GDtlsConnection conn = handle.acquire();
        try {
            if (database == null) {
                Gio.g_dtls_connection_set_database(conn, null);
                return;
            }
            try {
                Gio.g_dtls_connection_set_database(conn, database.handle.acquire());
            } finally {
                database.handle.release();
            }
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_set_require_close_notify}. */
    public void setRequireCloseNotify(boolean require) {
        GDtlsConnection conn = handle.acquire();
        try {
            Gio.g_dtls_connection_set_require_close_notify(conn, require ? 1 : 0);
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_require_close_notify}. */
    public boolean requireCloseNotify() {
        GDtlsConnection conn = handle.acquire();
        try {
            return Gio.g_dtls_connection_get_require_close_notify(conn) != 0;
        } finally {
            handle.release();
        }
    }

    // ---- accept-certificate -------------------------------------------------------------------------------

    /**
     * Connects a listener to the {@code accept-certificate} signal (by name on this instance: the backend emits
     * {@code GTlsConnection::accept-certificate}). The listener is held only by this connection: it does not
     * keep the connection alive, and it is disconnected when the connection closes.
     */
    public Subscription onAcceptCertificate(AcceptCertificateListener listener) {
        Objects.requireNonNull(listener, "listener");
        GDtlsConnection conn = handle.acquire();
        try {
            long registryHandle = CallbackDispatcher.register(new AcceptTarget(this));
            acceptListeners.put(registryHandle, listener);
            long handlerId;
            try (BytePointer signal = CStrings.utf8("accept-certificate")) {
                handlerId = Gio.gdtls_signal_connect(conn, signal, CallbackDispatcher.ACCEPT_CERTIFICATE, registryHandle);
            }
            if (handlerId == 0) {
                acceptListeners.remove(registryHandle);
                CallbackDispatcher.unregister(registryHandle);
                throw new IllegalStateException("accept-certificate could not be connected");
            }
            handlerIds.put(registryHandle, handlerId);
            return () -> disconnect(registryHandle);
        } finally {
            handle.release();
        }
    }

    private void disconnect(long registryHandle) {
        Long handlerId = handlerIds.remove(registryHandle);
        acceptListeners.remove(registryHandle);
        if (handlerId == null) {
            return; // already disconnected, or the connection closed
        }
        GDtlsConnection conn;
        try {
            conn = handle.acquire();
        } catch (IllegalStateException closed) {
            return;
        }
        try {
            Gio.g_signal_handler_disconnect(conn, handlerId); // GLib then releases the registry handle
        } finally {
            handle.release();
        }
    }

    /** Runs on the thread GIO emits on; never lets an exception reach C. */
    private boolean emitAcceptCertificate(long registryHandle, long certAddress, int errors) {
        AcceptCertificateListener listener = acceptListeners.get(registryHandle);
        if (listener == null) {
            return false;
        }
        TlsCertificate peer = TlsCertificate.borrow(new GTlsCertificate() {{ address = certAddress; }});
        try {
            return listener.accept(this, peer, TlsCertificateFlags.fromBits(errors));
        } catch (Throwable t) {
            CallbackErrors.report("accept-certificate listener " + listener, t);
            return false;
        }
    }

    /** Reaches the connection weakly, so the static registry never keeps it alive. */
    private static final class AcceptTarget implements CallbackTarget {
        private final WeakReference<DtlsConnection> connection;

        AcceptTarget(DtlsConnection connection) {
            this.connection = new WeakReference<>(connection);
        }

        @Override
        public long invoke(long registryHandle, int kind, long peerCertificate, long errors, long unused) {
            DtlsConnection conn = connection.get();
            return conn != null && conn.emitAcceptCertificate(registryHandle, peerCertificate, (int) errors) ? 1 : 0;
        }
    }

    // ---- datagrams ----------------------------------------------------------------------------------------

    /** Sends one datagram (blocking). See {@link #send(ByteBuffer[], int, int, Duration)}. */
    public void send(ByteBuffer message) throws GioException {
        send(new ByteBuffer[] {message}, 0, 1, null);
    }

    /**
     * {@code g_datagram_based_send_messages}: sends {@code length} datagrams, one per buffer (its remaining
     * bytes), in one native call. Direct buffers are sent in place; heap buffers are first copied to a
     * temporary direct buffer. Each sent buffer's position advances by the bytes sent. The first send runs the
     * handshake if it has not run.
     *
     * @param timeout null blocks; {@link Duration#ZERO} fails with {@link IOErrorEnum#WOULD_BLOCK} instead of
     *     waiting; otherwise {@link IOErrorEnum#TIMED_OUT} after that long
     * @return the number of datagrams sent
     * @throws IOErrorException {@link IOErrorEnum#MESSAGE_TOO_LARGE} for a datagram over the backend's MTU
     *     (1400 bytes on the wire), {@link IOErrorEnum#CLOSED} after close
     */
    public int send(ByteBuffer[] messages, int offset, int length, Duration timeout) throws GioException {
        return send(messages, offset, length, timeout, null);
    }

    /** {@link #send(ByteBuffer[], int, int, Duration)} that a {@link Cancellable} can interrupt with {@code CANCELLED}. */
    public int send(ByteBuffer[] messages, int offset, int length, Duration timeout, Cancellable cancellable)
            throws GioException {
        Objects.checkFromIndexSize(offset, length, messages.length);
        long timeoutMicros = micros(timeout);
        ByteBuffer[] direct = directView(messages, offset, length, true);
        GDtlsConnection conn = acquireForIo();
        sendLock.lock();
        try {
            sendBatch.ensureCapacity(Math.max(length, 1));
            for (int i = 0; i < length; i++) {
                sendBatch.set(i, direct[offset + i]);
            }
            GError error = GErrors.slot();
            int sent;
            try {
                sent = Gio.g_datagram_based_send_messages(datagramBased, sendBatch.outMessages(), length, 0,
                        timeoutMicros, Cancellable.acquire(cancellable), error);
            } finally {
                Cancellable.release(cancellable);
            }
            GErrors.check(error);
            for (int i = 0; i < sent; i++) {
                ByteBuffer b = messages[offset + i];
                b.position(b.position() + (int) sendBatch.transferred(i));
            }
            return sent;
        } finally {
            sendLock.unlock();
            handle.release();
        }
    }

    /** Receives one datagram into {@code buffer} (blocking). See {@link #receive(ByteBuffer[], int, int, Duration)}. */
    public int receive(ByteBuffer buffer) throws GioException {
        return receive(buffer, null);
    }

    /**
     * Receives one datagram into {@code buffer} from its position; the position advances by its length.
     *
     * @return the datagram's length, or -1 once the peer has closed (close_notify received)
     */
    public int receive(ByteBuffer buffer, Duration timeout) throws GioException {
        int start = buffer.position();
        int received = receive(new ByteBuffer[] {buffer}, 0, 1, timeout);
        return received == 0 ? -1 : buffer.position() - start;
    }

    /**
     * {@code g_datagram_based_receive_messages}: receives up to {@code length} datagrams, one per buffer, in one
     * native call; each buffer's position advances by the datagram's length. A datagram longer than its
     * buffer's remaining space is truncated silently, as in GIO. Direct buffers are filled in place; heap
     * buffers through a temporary direct copy.
     *
     * @param timeout null blocks until at least one datagram; {@link Duration#ZERO} fails with
     *     {@link IOErrorEnum#WOULD_BLOCK} if none is ready; otherwise {@link IOErrorEnum#TIMED_OUT}
     * @return the number of datagrams received; 0 once the peer has closed the connection
     */
    public int receive(ByteBuffer[] buffers, int offset, int length, Duration timeout) throws GioException {
        return receive(buffers, offset, length, timeout, null);
    }

    /**
     * {@link #receive(ByteBuffer[], int, int, Duration)} that a {@link Cancellable} can interrupt with
     * {@code CANCELLED}: the way to unblock a reader, since {@link #close()} waits for it.
     */
    public int receive(ByteBuffer[] buffers, int offset, int length, Duration timeout, Cancellable cancellable)
            throws GioException {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        long timeoutMicros = micros(timeout);
        ByteBuffer[] direct = directView(buffers, offset, length, false);
        GDtlsConnection conn = acquireForIo();
        receiveLock.lock();
        try {
            receiveBatch.ensureCapacity(Math.max(length, 1));
            for (int i = 0; i < length; i++) {
                receiveBatch.set(i, direct[offset + i]);
            }
            GError error = GErrors.slot();
            int received;
            try {
                received = Gio.g_datagram_based_receive_messages(datagramBased, receiveBatch.inMessages(), length,
                        0, timeoutMicros, Cancellable.acquire(cancellable), error);
            } finally {
                Cancellable.release(cancellable);
            }
            GErrors.check(error);
            for (int i = 0; i < received; i++) {
                int n = (int) Math.min(receiveBatch.transferred(i), direct[offset + i].remaining());
                ByteBuffer target = buffers[offset + i];
                if (target != direct[offset + i]) {
                    ByteBuffer copy = direct[offset + i].duplicate();
                    copy.limit(copy.position() + n);
                    target.put(copy);
                } else {
                    target.position(target.position() + n);
                }
            }
            return received;
        } finally {
            receiveLock.unlock();
            handle.release();
        }
    }

    /**
     * I/O on a closed connection fails as it does in C after {@code g_dtls_connection_close}: with
     * {@link IOErrorEnum#CLOSED}. (The native object is already released, so GIO cannot be asked.)
     */
    private GDtlsConnection acquireForIo() throws IOErrorException {
        try {
            return handle.acquire();
        } catch (IllegalStateException closed) {
            throw new IOErrorException(IOErrorEnum.CLOSED.code(), "Connection is closed");
        }
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

    /** Runs once, when the last native call on a closed connection ends. */
    private void releaseNativeState() {
        GDtlsConnection conn = new GDtlsConnection() {{ address = handle.address(); }};
        for (Long handlerId : handlerIds.values()) {
            Gio.g_signal_handler_disconnect(conn, handlerId);
        }
        handlerIds.clear();
        acceptListeners.clear();
        sendBatch.free();
        receiveBatch.free();
    }
}
