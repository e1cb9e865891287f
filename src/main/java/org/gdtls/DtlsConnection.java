// Over 400 lines on purpose: 51 public methods, one per GDtlsConnection function, property or overload, each with
// javadoc and @Wraps; every body delegates (internal.datagram, .async, .signal) or is a one-line lease.
package org.gdtls;

import java.io.Closeable;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.async.AsyncOperation;
import org.gdtls.internal.async.DatagramWatch;
import org.gdtls.internal.async.Deadlines;
import org.gdtls.internal.async.PendingFutures;
import org.gdtls.internal.async.PumpLoop;
import org.gdtls.internal.datagram.ConditionWaits;
import org.gdtls.internal.datagram.DatagramIo;
import org.gdtls.internal.datagram.ReadyRetry;
import org.gdtls.internal.gen.GByteArray;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GDtlsConnection;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.GProperties;
import org.gdtls.internal.glue.NativeCancellable;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.signal.ConnectionSignals;

/**
 * A {@code GDtlsConnection}: DTLS over a datagram base socket, as GIO's TLS backend (glib-networking, GnuTLS)
 * does it. The object is also a {@code GDatagramBased}: {@link #send}/{@link #receive} carry application data.
 *
 * <p>Against a silent peer a handshake gives up only after 60 s, and {@link #close()} waits for it: bound both
 * with {@link #handshake(Duration)} and {@link #close(Duration)}, which fail with {@link IOErrorEnum#TIMED_OUT}.
 *
 * <p>Thread safety: as in GIO, one thread may send while another receives; calls of one direction are
 * serialized. {@link #close()} may be called from any thread, but like {@code g_dtls_connection_close} it waits
 * for a handshake or a blocking receive in progress: give those calls a timeout or a {@link Cancellable} and
 * cancel it first, or close the base {@link UdpSocket}: each call blocked on it then fails with
 * {@link IOErrorEnum#CLOSED}. The native object is released once no call is running on it.
 *
 * <p>Versions and ciphersuites are not set per connection: see {@link #protocolVersion()}.
 */
public abstract sealed class DtlsConnection implements Closeable
        permits DtlsClientConnection, DtlsServerConnection {
    /** The wrapper of each open connection by address, for callbacks that name a connection (TlsInteraction). */
    private static final Map<Long, WeakReference<DtlsConnection>> LIVE = new ConcurrentHashMap<>();

    final ObjectHandle<GDtlsConnection> handle;
    private volatile TlsInteraction interaction; // kept alive as long as the GObject may call it
    private final DatagramIo io;
    private final ConditionWaits readiness;
    private final ConnectionSignals signals;
    private final ReadyRetry retry;
    private final Set<Subscription> watches = ConcurrentHashMap.newKeySet();
    /** Futures not yet complete that closing the connection fails with CLOSED (and so cancels their operation). */
    private final PendingFutures endedByClose = new PendingFutures();

    DtlsConnection(GDatagramBased owned, String what, DatagramTransport base) {
        long address = owned.address();
        this.handle = new ObjectHandle<>(this, new GDtlsConnection(owned), what, () -> LIVE.remove(address));
        this.io = new DatagramIo(handle, owned, failure -> TransportLease.closedIfShut(base, failure));
        this.readiness = new ConditionWaits(handle, io::failure, io::refuseBlockingHere,
                () -> TransportLease.isShut(base));
        this.signals = new ConnectionSignals(this, handle, TlsCertificate::borrow);
        this.retry = new ReadyRetry(io, endedByClose, loop -> handshakeAsync(loop, Gio.G_PRIORITY_DEFAULT, null),
                (loop, condition, callback) -> watch(loop, Set.of(condition), null, callback));
        LIVE.put(handle.address(), new WeakReference<>(this));
        handle.setBeforeUnref(this::releaseNativeState);
    }

    // ---- handshake and close ------------------------------------------------------------------------------

    /**
     * {@code g_dtls_connection_handshake}: runs the handshake now (otherwise the first I/O does). Blocks; the
     * backend resends after 1 s and gives up after 60 s against a silent peer.
     *
     * @throws TlsErrorException e.g. {@link TlsError#BAD_CERTIFICATE} when the peer's certificate is refused
     */
    @Wraps("g_dtls_connection_handshake")
    public void handshake() throws GioException {
        handshake((Cancellable) null);
    }

    /**
     * {@link #handshake()} that fails with {@link IOErrorEnum#TIMED_OUT} if it has not ended after {@code timeout}
     * (GIO's own limit is 60 s against a silent peer): the handshake is cancelled then.
     */
    @Wraps("g_dtls_connection_handshake")
    public void handshake(Duration timeout) throws GioException {
        Deadlines.within(timeout, "handshake", this::handshake);
    }

    /**
     * {@code g_dtls_connection_handshake} with a {@code GCancellable}: cancelling it from another thread ends
     * the handshake with {@link IOErrorEnum#CANCELLED} (GIO notices within about a second).
     */
    @Wraps("g_dtls_connection_handshake")
    public void handshake(Cancellable cancellable) throws GioException {
        ioCall(cancellable, (conn, cancel, error) -> {
            io.beginExplicit(null);
            try {
                Gio.g_dtls_connection_handshake(conn, cancel, error);
            } finally {
                io.endExplicit();
            }
        });
    }

    /**
     * {@code g_dtls_connection_shutdown}: sends close_notify if {@code write}; further I/O in a shut direction
     * fails with {@link IOErrorEnum#CLOSED}. The object stays usable (e.g. its properties) until {@link #close()}.
     */
    @Wraps("g_dtls_connection_shutdown")
    public void shutdown(boolean read, boolean write) throws GioException {
        shutdown(read, write, null);
    }

    /** {@link #shutdown(boolean, boolean)} with a {@code GCancellable}. */
    @Wraps("g_dtls_connection_shutdown")
    public void shutdown(boolean read, boolean write, Cancellable cancellable) throws GioException {
        ioCall(cancellable, (conn, cancel, error) ->
                Gio.g_dtls_connection_shutdown(conn, read ? 1 : 0, write ? 1 : 0, cancel, error));
    }

    /**
     * {@code g_dtls_connection_close} (sends close_notify, does not wait for the peer's), then releases the
     * native object and disconnects every listener. The base socket stays open. Closing again does nothing.
     * The object is released even if GIO reports an error, which is then thrown.
     */
    @Override
    @Wraps("g_dtls_connection_close")
    public void close() throws GioException {
        close((Cancellable) null);
    }

    /**
     * {@link #close()} that gives up waiting after {@code timeout}: GIO's close waits for a handshake (up to 60 s
     * against a silent peer) or a blocking receive in progress on another thread. When the time is up the wait is
     * cancelled and {@link IOErrorEnum#TIMED_OUT} thrown; the connection is released all the same (the call still
     * in progress keeps the native object until it returns).
     */
    @Wraps("g_dtls_connection_close")
    public void close(Duration timeout) throws GioException {
        Deadlines.within(timeout, "close", this::close);
    }

    /** {@link #close()} with a {@code GCancellable} (e.g. to stop waiting for a handshake in progress). */
    @Wraps("g_dtls_connection_close")
    public void close(Cancellable cancellable) throws GioException {
        GDtlsConnection conn;
        try {
            conn = handle.acquire();
        } catch (IllegalStateException alreadyClosed) {
            return;
        }
        try {
            readiness.wakeAll(); // GIO's close does not wake a condition wait (it claims no operation)
            failPending(); // GIO's close would wait for their operations (a handshake up to 60 s): end them first
            GCancellable cancel = Cancellable.acquire(cancellable);
            try {
                GErrorSlot error = GErrorSlot.ofThread();
                Gio.g_dtls_connection_close(conn, cancel, error.out());
                checkIo(error);
            } finally {
                Cancellable.release(cancellable);
            }
        } finally {
            handle.release();
            handle.close();
        }
    }

    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * The {@code base-socket} property (construct-only, no C getter): the UDP socket this connection runs over,
     * as a new wrapper holding its own reference. Closing that wrapper closes the socket.
     *
     * @throws UnsupportedOperationException if the connection runs over a {@link FilteredTransport} or a
     *     {@link PeerTransport}
     */
    @Wraps(properties = {"GDtlsConnection:base-socket"})
    public UdpSocket baseSocket() {
        return handle.call(conn -> {
            Pointer base = GProperties.dupObject(conn, "base-socket");
            if (base == null) {
                return null;
            }
            String type = CStrings.borrowed(Glue.gdtls_object_type_name(base));
            if (!"GSocket".equals(type)) {
                Gio.g_object_unref(base);
                throw new UnsupportedOperationException("base socket is a " + type + ", not a GSocket");
            }
            return UdpSocket.adopt(new GSocket(base));
        });
    }

    // ---- asynchronous operations (on a MainContextPump) ----------------------------------------------------

    /** {@link #handshakeAsync(MainContextPump, int, Cancellable)} on the default pump, default priority. */
    public CompletableFuture<Void> handshakeAsync() {
        return handshakeAsync(MainContextPump.defaultPump(), Gio.G_PRIORITY_DEFAULT, null);
    }

    /**
     * {@code g_dtls_connection_handshake_async}: the handshake, started on {@code pump}'s thread. Listeners of
     * {@code accept-certificate} and {@code notify} run on that thread meanwhile (do not block there), and the
     * future completes there. Cancelling the future (or {@code cancellable}) cancels the handshake: the future
     * then completes with a {@link java.util.concurrent.CancellationException}. Failures complete it with the
     * {@link GioException} a sync {@link #handshake()} would throw.
     *
     * @param ioPriority a GLib priority, e.g. {@code 0} (G_PRIORITY_DEFAULT)
     * @param cancellable null for one owned by the operation
     */
    @Wraps({"g_dtls_connection_handshake_async", "g_dtls_connection_handshake_finish"})
    public CompletableFuture<Void> handshakeAsync(MainContextPump pump, int ioPriority, Cancellable cancellable) {
        return handshakeAsync(MainContextPump.loop(pump), ioPriority, Cancellable.core(cancellable));
    }

    private CompletableFuture<Void> handshakeAsync(PumpLoop pump, int ioPriority, NativeCancellable cancellable) {
        try {
            io.beginExplicit(pump);
        } catch (IOErrorException pending) {
            return CompletableFuture.failedFuture(pending);
        }
        try {
            return endedByClose.track(AsyncOperation.start(pump, this, handle, cancellable,
                    (conn, c, callback, data) -> Gio.g_dtls_connection_handshake_async(conn, ioPriority, c, callback, data),
                    (conn, result, error) -> {
                        Gio.g_dtls_connection_handshake_finish(conn, result, error.out());
                        return checkIo(error);
                    }, io::endExplicit));
        } catch (RuntimeException e) {
            io.endExplicit();
            throw e;
        }
    }

    /**
     * {@code g_dtls_connection_shutdown_async}. Note GIO's own bug (still upstream): the async shutdown ignores
     * its read/write arguments and shuts both directions.
     */
    @Wraps({"g_dtls_connection_shutdown_async", "g_dtls_connection_shutdown_finish"})
    public CompletableFuture<Void> shutdownAsync(boolean read, boolean write, MainContextPump pump, int ioPriority,
                                                 Cancellable cancellable) {
        return endedByClose.track(AsyncOperation.start(MainContextPump.loop(pump), this, handle,
                Cancellable.core(cancellable),
                (conn, c, callback, data) -> Gio.g_dtls_connection_shutdown_async(conn, read ? 1 : 0, write ? 1 : 0,
                        ioPriority, c, callback, data),
                (conn, result, error) -> {
                    Gio.g_dtls_connection_shutdown_finish(conn, result, error.out());
                    return checkIo(error);
                }, null));
    }

    /** {@link #closeAsync(MainContextPump, int, Cancellable)} on the default pump, default priority. */
    public CompletableFuture<Void> closeAsync() {
        return closeAsync(MainContextPump.defaultPump(), Gio.G_PRIORITY_DEFAULT, null);
    }

    /**
     * {@code g_dtls_connection_close_async}; once the operation is over (GIO reported back, or it never started),
     * this wrapper is closed as by {@link #close()} (listeners disconnected, reference dropped), whatever the
     * outcome.
     */
    @Wraps({"g_dtls_connection_close_async", "g_dtls_connection_close_finish"})
    public CompletableFuture<Void> closeAsync(MainContextPump pump, int ioPriority, Cancellable cancellable) {
        readiness.wakeAll();
        return AsyncOperation.start(MainContextPump.loop(pump), this, handle, Cancellable.core(cancellable),
                (conn, c, callback, data) -> Gio.g_dtls_connection_close_async(conn, ioPriority, c, callback, data),
                (conn, result, error) -> {
                    Gio.g_dtls_connection_close_finish(conn, result, error.out());
                    return checkIo(error);
                }, handle::close);
    }

    /**
     * {@code g_datagram_based_create_source}: calls {@code callback} on {@code pump}'s thread whenever the
     * connection is ready for {@code conditions} (e.g. {@link IOCondition#IN}); it keeps watching while the
     * callback returns true. Close the subscription to stop; closing the connection stops it too.
     */
    @Wraps("g_datagram_based_create_source")
    public Subscription watch(MainContextPump pump, Set<IOCondition> conditions, Cancellable cancellable,
                              Predicate<Set<IOCondition>> callback) {
        PumpLoop loop = MainContextPump.loop(pump);
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(callback, "callback");
        return watch(loop, conditions, Cancellable.core(cancellable), callback);
    }

    private Subscription watch(PumpLoop pump, Set<IOCondition> conditions, NativeCancellable cancellable,
                               Predicate<Set<IOCondition>> callback) {
        DatagramWatch watch = handle.call(conn ->
                DatagramWatch.start(pump, new GDatagramBased(conn), conditions, cancellable, callback));
        watches.add(watch);
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    /**
     * Receives one datagram into {@code buffer} without blocking any thread: it waits on {@code pump} for the
     * connection to be readable ({@link #watch}), then receives with a zero timeout there. Completes with the
     * datagram's length, -1 once the peer has closed, or the receive's {@link GioException}. Cancelling the
     * future stops waiting. The first I/O runs the handshake, on {@code pump}'s context. Until the future ends,
     * the pump holds the connection (a dropped wrapper is not collected): closing the connection fails it with
     * {@link IOErrorEnum#CLOSED}, shutting the pump down with an {@link IllegalStateException}.
     */
    @Wraps({"g_datagram_based_create_source", "g_datagram_based_receive_messages"})
    public CompletableFuture<Integer> receiveAsync(ByteBuffer buffer, MainContextPump pump) {
        DatagramIo.requireRoom(buffer);
        return retry.whenReady(MainContextPump.loop(pump), IOCondition.IN, () -> receive(buffer, Duration.ZERO));
    }

    /**
     * Sends one datagram (the remaining bytes of {@code message}) without blocking any thread: a send with a zero
     * timeout on {@code pump}'s thread, repeated each time the connection becomes writable ({@link #watch}) while
     * it would block. Completes with the bytes sent, or the send's {@link GioException}. The first I/O runs the
     * handshake, on {@code pump}'s context; cancelling the future stops waiting. It ends as {@link #receiveAsync} does.
     */
    @Wraps({"g_datagram_based_create_source", "g_datagram_based_send_messages"})
    public CompletableFuture<Integer> sendAsync(ByteBuffer message, MainContextPump pump) {
        Objects.requireNonNull(message, "message");
        return retry.whenReady(MainContextPump.loop(pump), IOCondition.OUT, () -> {
            int start = message.position();
            io.sendOne(message, Duration.ZERO);
            return message.position() - start;
        });
    }

    /**
     * {@code g_datagram_based_condition_check}: which of {@code conditions} hold now, without blocking. As
     * glib-networking (2.74 to 2.90) implements it: nothing during a handshake or a close; otherwise, if the base
     * transport holds any of {@code conditions}, all of them are reported, so ask for one at a time. {@code IN}
     * means a datagram waits on the base transport: it may be a record the connection drops, so the receive after
     * it may still block (give it a timeout).
     *
     * @throws IllegalStateException once closed
     */
    @Wraps("g_datagram_based_condition_check")
    public Set<IOCondition> conditionCheck(Set<IOCondition> conditions) {
        return readiness.check(conditions);
    }

    /**
     * {@code g_datagram_based_condition_wait}: waits until one of {@code conditions} holds ({@link #conditionCheck})
     * and returns true, or returns false once {@code timeout} has passed. No operation is claimed: a handshake,
     * I/O or close may run meanwhile. glib-networking's wait re-checks the condition in a busy loop once the
     * connection has done any I/O or handshake (a core at 100 % while it waits), and before that does not notice
     * the condition becoming true until its timeout: prefer a short timeout, {@link #watch} or {@link #receiveAsync}.
     * The timeout is enforced by the binding (GIO's own never fires in that busy loop).
     *
     * @param timeout null or negative waits without bound (GIO's -1); zero is one {@link #conditionCheck}
     * @return true if one of {@code conditions} holds, false if none did when the timeout ended
     * @throws IOErrorException {@link IOErrorEnum#CANCELLED} when {@code cancellable} is cancelled;
     *     {@link IOErrorEnum#CLOSED} if the connection is closed before or during the wait (closing wakes it) or its
     *     base {@link UdpSocket} is; {@link IOErrorEnum#FAILED} if called, with a non-zero timeout, on the thread
     *     of an explicit handshake in progress (an {@code accept-certificate} listener), as GIO's blocking I/O does
     */
    @Wraps("g_datagram_based_condition_wait")
    public boolean conditionWait(Set<IOCondition> conditions, Duration timeout, Cancellable cancellable)
            throws GioException {
        return readiness.await(conditions, timeout, Cancellable.core(cancellable));
    }

    // ---- state after the handshake ------------------------------------------------------------------------

    /**
     * {@code g_dtls_connection_get_protocol_version}: {@link ProtocolVersion#UNKNOWN} before the handshake. By
     * default GIO negotiates DTLS 1.2, and DTLS 1.0 with a peer that offers nothing newer, in both roles.
     * glib-networking takes versions and ciphersuites from a GnuTLS priority string in the environment variable
     * {@code G_TLS_GNUTLS_PRIORITY}, read once per process, when its first connection is created: start the JVM
     * with e.g. {@code G_TLS_GNUTLS_PRIORITY=NORMAL:-VERS-ALL:+VERS-DTLS1.2} to refuse DTLS 1.0 peers (their
     * handshake fails with {@link TlsError#NOT_TLS}). A string GnuTLS cannot parse is logged as a GLib warning and
     * fails every handshake with {@link TlsError#MISC}.
     */
    @Wraps(value = {"g_dtls_connection_get_protocol_version"}, properties = {"GDtlsConnection:protocol-version"})
    public ProtocolVersion protocolVersion() {
        return handle.call(conn -> ProtocolVersion.fromCode(Gio.g_dtls_connection_get_protocol_version(conn)));
    }

    /**
     * {@code g_dtls_connection_get_ciphersuite_name} (transfer full), in GnuTLS naming; null before the handshake.
     * The choice can be narrowed with {@code G_TLS_GNUTLS_PRIORITY} (see {@link #protocolVersion()}).
     */
    @Wraps(value = {"g_dtls_connection_get_ciphersuite_name"}, properties = {"GDtlsConnection:ciphersuite-name"})
    public String ciphersuiteName() {
        return handle.call(conn -> CStrings.owned(Gio.g_dtls_connection_get_ciphersuite_name(conn)));
    }

    /**
     * {@code g_dtls_connection_set_advertised_protocols}: the ALPN protocols to offer, most preferred first;
     * null or empty offers none. Set before the handshake. If the two sides have no protocol in common the
     * handshake still completes, with {@link #negotiatedProtocol()} null: check it if the protocol matters.
     */
    @Wraps(value = {"g_dtls_connection_set_advertised_protocols"}, properties = {"GDtlsConnection:advertised-protocols"})
    public void setAdvertisedProtocols(List<String> protocols) {
        handle.run(conn -> CStrings.withStrv(protocols, array -> Gio.g_dtls_connection_set_advertised_protocols(conn, (PointerPointer<?>) array)));
    }

    /** The {@code advertised-protocols} property (no C getter exists): null if none are set. */
    @Wraps(properties = {"GDtlsConnection:advertised-protocols"})
    public List<String> advertisedProtocols() {
        return handle.call(conn -> GProperties.getStrv(conn, "advertised-protocols"));
    }

    /**
     * {@code g_dtls_connection_get_negotiated_protocol} (transfer none): null if ALPN found no common protocol
     * (the handshake completes all the same) or was not used.
     */
    @Wraps(value = {"g_dtls_connection_get_negotiated_protocol"}, properties = {"GDtlsConnection:negotiated-protocol"})
    public String negotiatedProtocol() {
        return handle.call(conn -> CStrings.borrowed(Gio.g_dtls_connection_get_negotiated_protocol(conn)));
    }

    /**
     * {@code g_dtls_connection_set_certificate}: this side's certificate (with private key). On a client, setting
     * it before the handshake is all a server that asks for a certificate needs: no {@link TlsInteraction}.
     */
    @Wraps(value = {"g_dtls_connection_set_certificate"}, properties = {"GDtlsConnection:certificate"})
    public void setCertificate(TlsCertificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        handle.run(conn -> certificate.handle.run(cert -> Gio.g_dtls_connection_set_certificate(conn, cert)));
    }

    /** {@code g_dtls_connection_get_certificate} (transfer none: the result holds its own reference), or null. */
    @Wraps(value = {"g_dtls_connection_get_certificate"}, properties = {"GDtlsConnection:certificate"})
    public TlsCertificate certificate() {
        return handle.call(conn -> TlsCertificate.borrow(Gio.g_dtls_connection_get_certificate(conn)));
    }

    /** {@code g_dtls_connection_get_peer_certificate} (transfer none: the result holds its own reference), or null. */
    @Wraps(value = {"g_dtls_connection_get_peer_certificate"}, properties = {"GDtlsConnection:peer-certificate"})
    public TlsCertificate peerCertificate() {
        return handle.call(conn -> TlsCertificate.borrow(Gio.g_dtls_connection_get_peer_certificate(conn)));
    }

    /** {@code g_dtls_connection_get_peer_certificate_errors}: what validation found wrong with the peer. */
    @Wraps(value = {"g_dtls_connection_get_peer_certificate_errors"}, properties = {"GDtlsConnection:peer-certificate-errors"})
    public Set<TlsCertificateFlags> peerCertificateErrors() {
        return handle.call(conn -> TlsCertificateFlags.fromBits(Gio.g_dtls_connection_get_peer_certificate_errors(conn)));
    }

    /**
     * {@code g_dtls_connection_set_database}: the trust anchors to validate the peer against (unset: the system's);
     * {@code null} disables validation against any CA (every peer certificate then has
     * {@link TlsCertificateFlags#UNKNOWN_CA}). What validation finds decides only what a client accepts unasked:
     * a server passes every client certificate, valid or not, to its {@link #onAcceptCertificate} listeners and
     * refuses it unless one returns {@code true} (see {@link AcceptCertificateListener}).
     */
    @Wraps(value = {"g_dtls_connection_set_database"}, properties = {"GDtlsConnection:database"})
    public void setDatabase(TlsDatabase database) {
        handle.run(conn -> {
            if (database == null) {
                Gio.g_dtls_connection_set_database(conn, null);
            } else {
                database.handle.run(db -> Gio.g_dtls_connection_set_database(conn, db));
            }
        });
    }

    /**
     * {@code g_dtls_connection_get_database} (transfer none: the result holds its own reference). Null if
     * validation against a CA was disabled with {@code setDatabase(null)}; otherwise the backend's default
     * database unless one was set.
     */
    @Wraps(value = {"g_dtls_connection_get_database"}, properties = {"GDtlsConnection:database"})
    public TlsDatabase database() {
        return handle.call(conn -> TlsDatabase.borrow(Gio.g_dtls_connection_get_database(conn)));
    }

    /**
     * {@code g_dtls_connection_get_channel_binding_data}: the channel binding data of {@code type} for this
     * connection, e.g. for SCRAM-PLUS style authentication.
     *
     * @throws TlsChannelBindingErrorException e.g. {@link TlsChannelBindingError#INVALID_STATE} before the
     *     handshake, {@link TlsChannelBindingError#NOT_AVAILABLE} for {@code TLS_EXPORTER} under DTLS 1.2
     */
    @Wraps("g_dtls_connection_get_channel_binding_data")
    public byte[] channelBindingData(TlsChannelBindingType type) throws GioException {
        Objects.requireNonNull(type, "type");
        return handle.call(conn -> {
            GByteArray data = Gio.g_byte_array_new();
            try {
                GErrorSlot error = GErrorSlot.ofThread();
                Gio.g_dtls_connection_get_channel_binding_data(conn, type.code(), data, error.out());
                error.check();
                byte[] result = new byte[data.len()];
                data.data().get(result);
                return result;
            } finally {
                Gio.g_byte_array_unref(data);
            }
        });
    }

    /**
     * {@code g_dtls_connection_set_interaction}: who answers the backend's PIN and client-certificate requests;
     * null for none. This connection keeps {@code interaction} alive while it is set.
     */
    @Wraps(value = {"g_dtls_connection_set_interaction"}, properties = {"GDtlsConnection:interaction"})
    public void setInteraction(TlsInteraction interaction) {
        handle.run(conn -> {
            if (interaction == null) {
                Gio.g_dtls_connection_set_interaction(conn, null);
            } else {
                interaction.handle.run(i -> Gio.g_dtls_connection_set_interaction(conn, i));
            }
            this.interaction = interaction;
        });
    }

    /**
     * {@code g_dtls_connection_get_interaction}: the interaction set with {@link #setInteraction}, or null if
     * none is set (or the one set natively is not implemented in Java).
     */
    @Wraps(value = {"g_dtls_connection_get_interaction"}, properties = {"GDtlsConnection:interaction"})
    public TlsInteraction interaction() {
        return handle.call(conn -> {
            Pointer current = Gio.g_dtls_connection_get_interaction(conn);
            TlsInteraction mine = interaction;
            return current != null && !current.isNull() && mine != null && mine.handle.address() == current.address()
                    ? mine : null;
        });
    }

    /** {@code g_dtls_connection_set_require_close_notify}. */
    @Wraps(value = {"g_dtls_connection_set_require_close_notify"}, properties = {"GDtlsConnection:require-close-notify"})
    public void setRequireCloseNotify(boolean require) {
        handle.run(conn -> Gio.g_dtls_connection_set_require_close_notify(conn, require ? 1 : 0));
    }

    /** {@code g_dtls_connection_get_require_close_notify}. */
    @Wraps(value = {"g_dtls_connection_get_require_close_notify"}, properties = {"GDtlsConnection:require-close-notify"})
    public boolean requireCloseNotify() {
        return handle.call(conn -> Gio.g_dtls_connection_get_require_close_notify(conn) != 0);
    }

    /** {@code g_dtls_connection_set_rehandshake_mode}: deprecated in GIO and ignored by its backends. */
    @Deprecated
    @Wraps(value = {"g_dtls_connection_set_rehandshake_mode"}, properties = {"GDtlsConnection:rehandshake-mode"})
    public void setRehandshakeMode(TlsRehandshakeMode mode) {
        Objects.requireNonNull(mode, "mode");
        handle.run(conn -> Gio.g_dtls_connection_set_rehandshake_mode(conn, mode.code()));
    }

    /** {@code g_dtls_connection_get_rehandshake_mode}: deprecated; GIO 2.74 always reports {@code SAFELY}. */
    @Deprecated
    @Wraps(value = {"g_dtls_connection_get_rehandshake_mode"}, properties = {"GDtlsConnection:rehandshake-mode"})
    public TlsRehandshakeMode rehandshakeMode() {
        return handle.call(conn -> TlsRehandshakeMode.fromCode(Gio.g_dtls_connection_get_rehandshake_mode(conn)));
    }

    // ---- signals ------------------------------------------------------------------------------------------

    /**
     * Connects a listener to the {@code accept-certificate} signal (by name on this instance: the backend emits
     * {@code GTlsConnection::accept-certificate}). On a client it runs only for a server certificate that failed
     * validation; on a server for every client certificate, which is refused unless a listener returns
     * {@code true} (see {@link AcceptCertificateListener}). Listeners run in connection order; as in GObject, the
     * first one that returns {@code true} ends the emission. The listener is held only by this connection: it does
     * not keep the connection alive, and it is disconnected when the connection closes.
     */
    @Wraps(value = {"g_signal_connect_data"}, properties = {"GDtlsConnection::accept-certificate"})
    public Subscription onAcceptCertificate(AcceptCertificateListener listener) {
        return signals.onAcceptCertificate(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * {@code g_dtls_connection_emit_accept_certificate}: emits {@code GDtlsConnection::accept-certificate} and
     * returns whether a handler accepted. As in C, this is not the signal the GnuTLS backend emits
     * ({@code GTlsConnection::accept-certificate}), so listeners added with {@link #onAcceptCertificate} are not
     * called by it; it serves code that connected to the GDtlsConnection interface's signal itself.
     */
    @Wraps("g_dtls_connection_emit_accept_certificate")
    public boolean emitAcceptCertificate(TlsCertificate peerCertificate, Set<TlsCertificateFlags> errors) {
        Objects.requireNonNull(peerCertificate, "peerCertificate");
        int bits = TlsCertificateFlags.toBits(errors);
        return handle.call(conn -> peerCertificate.handle.call(cert ->
                Gio.g_dtls_connection_emit_accept_certificate(conn, cert, bits) != 0));
    }

    /** Connects a listener to {@code notify}: called for every property change, with the property's name. */
    @Wraps(value = {"g_signal_connect_data"}, properties = {"GObject::notify"})
    public Subscription onNotify(NotifyListener listener) {
        return onNotify(null, listener);
    }

    /**
     * Connects a listener to {@code notify::property} (GObject's detailed signal), e.g.
     * {@code onNotify("peer-certificate", ...)}; {@code null} means every property.
     *
     * @throws IllegalArgumentException if this connection has no such property
     */
    @Wraps(value = {"g_signal_connect_data"}, properties = {"GObject::notify"})
    public Subscription onNotify(String property, NotifyListener listener) {
        return signals.onNotify(property, Objects.requireNonNull(listener, "listener"));
    }

    // ---- datagrams (the hot path: DatagramIo takes the lease and passes the handshake gate) ----------------

    /** Sends one datagram (blocking). See {@link #send(ByteBuffer[], int, int, Duration)}. */
    @Wraps("g_datagram_based_send_messages")
    public void send(ByteBuffer message) throws GioException {
        io.sendOne(message, null);
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
    @Wraps("g_datagram_based_send_messages")
    public int send(ByteBuffer[] messages, int offset, int length, Duration timeout) throws GioException {
        return send(messages, offset, length, timeout, null);
    }

    /** {@link #send(ByteBuffer[], int, int, Duration)} that a {@link Cancellable} can interrupt with {@code CANCELLED}. */
    @Wraps("g_datagram_based_send_messages")
    public int send(ByteBuffer[] messages, int offset, int length, Duration timeout, Cancellable cancellable)
            throws GioException {
        return io.transfer(true, messages, offset, length, timeout, Cancellable.core(cancellable));
    }

    /** Receives one datagram into {@code buffer} (blocking). See {@link #receive(ByteBuffer[], int, int, Duration)}. */
    @Wraps("g_datagram_based_receive_messages")
    public int receive(ByteBuffer buffer) throws GioException {
        return io.receiveOne(buffer, null);
    }

    /**
     * Receives one datagram into {@code buffer} from its position; the position advances by its length.
     *
     * @return the datagram's length, or -1 once the peer has closed (close_notify received)
     */
    @Wraps("g_datagram_based_receive_messages")
    public int receive(ByteBuffer buffer, Duration timeout) throws GioException {
        return io.receiveOne(buffer, timeout);
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
    @Wraps("g_datagram_based_receive_messages")
    public int receive(ByteBuffer[] buffers, int offset, int length, Duration timeout) throws GioException {
        return receive(buffers, offset, length, timeout, null);
    }

    /**
     * {@link #receive(ByteBuffer[], int, int, Duration)} that a {@link Cancellable} can interrupt with
     * {@code CANCELLED}: the way to unblock a reader, since {@link #close()} waits for it.
     */
    @Wraps("g_datagram_based_receive_messages")
    public int receive(ByteBuffer[] buffers, int offset, int length, Duration timeout, Cancellable cancellable)
            throws GioException {
        return io.transfer(false, buffers, offset, length, timeout, Cancellable.core(cancellable));
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    /** A blocking GIO call on the open connection: CLOSED once closed, its GError thrown as the I/O would report it. */
    @FunctionalInterface
    private interface IoCall {
        void run(GDtlsConnection conn, GCancellable cancellable, PointerPointer<GError> error) throws GioException;
    }

    private void ioCall(Cancellable cancellable, IoCall call) throws GioException {
        GDtlsConnection conn = DatagramIo.acquireOpen(handle);
        try {
            GCancellable cancel = Cancellable.acquire(cancellable); // before the try: release only what was acquired
            try {
                GErrorSlot error = GErrorSlot.ofThread();
                call.run(conn, cancel, error.out());
                checkIo(error);
            } finally {
                Cancellable.release(cancellable);
            }
        } finally {
            handle.release();
        }
    }

    /** Throws the GError of an I/O call, if any, as the datagram path reports it (CLOSED if the socket was shut). */
    private Void checkIo(GErrorSlot error) throws GioException {
        if (error.isSet()) {
            throw io.failure(error.take());
        }
        return null;
    }

    /** The open connection at {@code address}, or null (for callbacks that pass a GTlsConnection*). */
    static DtlsConnection live(long address) {
        WeakReference<DtlsConnection> ref = LIVE.get(address);
        return ref == null ? null : ref.get();
    }

    /** Fails every pending handshakeAsync, shutdownAsync, receiveAsync and sendAsync with CLOSED. */
    private void failPending() {
        endedByClose.failAll(DatagramIo::closed);
    }

    /** Runs once, when the last native call on a closed connection ends. */
    private void releaseNativeState() {
        for (Subscription watch : watches) {
            watch.close();
        }
        watches.clear();
        failPending();
        signals.disconnectAll();
        io.free();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (handle.isClosed() ? "[closed]" : "[" + protocolVersion() + "]");
    }

    /** {@code g_dtls_connection_get_type}: the GType of the {@code GDtlsConnection} interface, for interop with other GObject code. */
    @Wraps("g_dtls_connection_get_type")
    public static long gtype() {
        NativeLibrary.ensureLoaded();
        return Gio.g_dtls_connection_get_type();
    }
}
