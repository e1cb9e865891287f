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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GByteArray;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GDtlsConnection;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.GTlsDatabase;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.GProperties;
import org.gdtls.internal.glue.InternedStrings;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;
import org.gdtls.internal.glue.SignalConnections;

/**
 * A {@code GDtlsConnection}: DTLS over a datagram base socket, as GIO's TLS backend (glib-networking, GnuTLS)
 * does it. The object is also a {@code GDatagramBased}: {@link #send}/{@link #receive} carry application data.
 *
 * <p>Thread safety: as in GIO, one thread may send while another receives; calls of one direction are
 * serialized. {@link #close()} may be called from any thread, but like {@code g_dtls_connection_close} it waits
 * for a handshake or a blocking receive in progress (a handshake up to 60 s against a silent peer): give those
 * calls a timeout or a {@link Cancellable} and cancel it first, or close the base {@link UdpSocket}: each call
 * blocked on it then fails with {@link IOErrorEnum#CLOSED}. The native object is released once no call is
 * running on it.
 */
public abstract sealed class DtlsConnection implements Closeable
        permits DtlsClientConnection, DtlsServerConnection {
    /** The wrapper of each open connection by address, for callbacks that name a connection (TlsInteraction). */
    private static final Map<Long, WeakReference<DtlsConnection>> LIVE = new ConcurrentHashMap<>();

    final ObjectHandle<GDtlsConnection> handle;
    private volatile TlsInteraction interaction; // kept alive as long as the GObject may call it
    private final GDatagramBased datagramBased; // the same object, typed for the g_datagram_based_* calls
    private final SignalConnections<DtlsConnection> signals;
    private final DatagramIo io = new DatagramIo();
    private final Set<Subscription> watches = ConcurrentHashMap.newKeySet();
    /** receiveAsync/sendAsync futures not yet complete: closing the connection fails them with CLOSED. */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    /** Keeps explicit handshakes and I/O apart where glib-networking would abort the process. */
    private final HandshakeGate gate = new HandshakeGate();
    /** The base transport's wrapper: a call it fails because the socket was closed under it reports CLOSED. */
    private final DatagramTransport base;

    DtlsConnection(GDatagramBased owned, String what, DatagramTransport base) {
        this.base = base;
        long address = owned.address();
        this.handle = new ObjectHandle<>(this, new GDtlsConnection(owned), what, () -> LIVE.remove(address));
        LIVE.put(address, new WeakReference<>(this));
        this.datagramBased = owned;
        this.signals = new SignalConnections<>(this, handle, DtlsConnection::dispatchSignal);
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
        GDtlsConnection conn = acquireForIo();
        try {
            gate.beginExplicit(null);
            try {
                GCancellable cancel = Cancellable.acquire(cancellable); // before the try: release only what was acquired
                try {
                    GError error = GErrors.slot();
                    Gio.g_dtls_connection_handshake(conn, cancel, error);
                    checkIo(error);
                } finally {
                    Cancellable.release(cancellable);
                }
            } finally {
                gate.endExplicit();
            }
        } finally {
            handle.release();
        }
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
        GDtlsConnection conn = acquireForIo();
        try {
            GCancellable cancel = Cancellable.acquire(cancellable);
            try {
                GError error = GErrors.slot();
                Gio.g_dtls_connection_shutdown(conn, read ? 1 : 0, write ? 1 : 0, cancel, error);
                checkIo(error);
            } finally {
                Cancellable.release(cancellable);
            }
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
            failPending(); // GIO's close would wait for their operations (a handshake up to 60 s): end them first
            GCancellable cancel = Cancellable.acquire(cancellable);
            try {
                GError error = GErrors.slot();
                Gio.g_dtls_connection_close(conn, cancel, error);
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
        GDtlsConnection conn = handle.acquire();
        try {
            Pointer base = GProperties.dupObject(conn, "base-socket");
            if (base == null) {
                return null;
            }
            String type = CStrings.borrowed(Gio.gdtls_object_type_name(base));
            if (!"GSocket".equals(type)) {
                Gio.g_object_unref(base);
                throw new UnsupportedOperationException("base socket is a " + type + ", not a GSocket");
            }
            return UdpSocket.adopt(new GSocket(base));
        } finally {
            handle.release();
        }
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
        Objects.requireNonNull(pump, "pump");
        try {
            gate.beginExplicit(pump);
        } catch (IOErrorException pending) {
            return CompletableFuture.failedFuture(pending);
        }
        try {
            return failedByClose(AsyncOperation.start(pump, this, handle, cancellable,
                    (conn, c, callback, data) -> Gio.g_dtls_connection_handshake_async(conn, ioPriority, c, callback, data),
                    (conn, result, error) -> {
                        Gio.g_dtls_connection_handshake_finish(conn, result, error);
                        checkIo(error);
                        return null;
                    }, gate::endExplicit));
        } catch (RuntimeException e) {
            gate.endExplicit();
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
        Objects.requireNonNull(pump, "pump");
        return failedByClose(AsyncOperation.start(pump, this, handle, cancellable,
                (conn, c, callback, data) -> Gio.g_dtls_connection_shutdown_async(conn, read ? 1 : 0, write ? 1 : 0,
                        ioPriority, c, callback, data),
                (conn, result, error) -> {
                    Gio.g_dtls_connection_shutdown_finish(conn, result, error);
                    checkIo(error);
                    return null;
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
        Objects.requireNonNull(pump, "pump");
        return AsyncOperation.start(pump, this, handle, cancellable,
                (conn, c, callback, data) -> Gio.g_dtls_connection_close_async(conn, ioPriority, c, callback, data),
                (conn, result, error) -> {
                    Gio.g_dtls_connection_close_finish(conn, result, error);
                    checkIo(error);
                    return null;
                }, handle::close);
    }

    /**
     * {@code g_datagram_based_create_source}: calls {@code callback} on {@code pump}'s thread whenever the
     * connection is ready for {@code conditions} (e.g. {@link IOCondition#IN}); it keeps watching while the
     * callback returns true. Close the subscription to stop; closing the connection stops it too.
     */
    @Wraps("g_datagram_based_create_source")
    public Subscription watch(MainContextPump pump, Set<IOCondition> conditions, Cancellable cancellable,
                              java.util.function.Predicate<Set<IOCondition>> callback) {
        Objects.requireNonNull(pump, "pump");
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(callback, "callback");
        handle.acquire();
        try {
            DatagramWatch watch = DatagramWatch.start(pump, datagramBased, conditions, cancellable, callback);
            watches.add(watch);
            return () -> {
                watches.remove(watch);
                watch.close();
            };
        } finally {
            handle.release();
        }
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
        requireRoom(buffer);
        return whenReady(pump, IOCondition.IN, () -> receive(buffer, Duration.ZERO));
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
        return whenReady(pump, IOCondition.OUT, () -> {
            int start = message.position();
            sendOne(message, Duration.ZERO);
            return message.position() - start;
        });
    }

    /** One attempt of a non-blocking operation: throws {@code WOULD_BLOCK} when it has to wait. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws GioException;
    }

    /**
     * Runs {@code attempt} on the pump, and again whenever the connection is ready for {@code condition}. While an
     * explicit handshake runs, it starts once that has ended (the handshake's own completion makes it ready).
     */
    private <T> CompletableFuture<T> whenReady(MainContextPump pump, IOCondition condition, Attempt<T> attempt) {
        Objects.requireNonNull(pump, "pump");
        CompletableFuture<T> future = new CompletableFuture<>();
        pump.trackWaiting(future);
        failedByClose(future);
        onPump(pump, future, () -> startWhenReady(pump, condition, attempt, future));
        return future;
    }

    private <T> void startWhenReady(MainContextPump pump, IOCondition condition, Attempt<T> attempt,
                                    CompletableFuture<T> future) {
        Runnable again = () -> onPump(pump, future, () -> startWhenReady(pump, condition, attempt, future));
        if (future.isDone() || gate.deferWhileExplicit(again) || handshakeFirst(pump, future, again)
                || settled(attempt, future)) {
            return;
        }
        try {
            Subscription watching = watch(pump, Set.of(condition), null, ready -> !settled(attempt, future));
            future.whenComplete((n, t) -> watching.close());
        } catch (IllegalStateException closed) {
            future.completeExceptionally(new IOErrorException(IOErrorEnum.CLOSED.code(), "Connection is closed"));
        }
    }

    /**
     * Before the first I/O of a connection that never handshook: the handshake as a {@link #handshakeAsync}, then
     * {@code again}. A non-blocking attempt would start GIO's implicit handshake instead, which nothing can
     * track: it keeps the connection (and the pump's context) until a later call on the connection finishes it.
     * The I/O future ending first (cancelled, timed out, closed) cancels the handshake. True if it took over.
     */
    private boolean handshakeFirst(MainContextPump pump, CompletableFuture<?> future, Runnable again) {
        if (!gate.neverHandshaken()) {
            return false;
        }
        CompletableFuture<Void> handshake;
        try {
            handshake = handshakeAsync(pump, Gio.G_PRIORITY_DEFAULT, null);
        } catch (RuntimeException closedOrShutDown) {
            future.completeExceptionally(closedOrShutDown);
            return true;
        }
        future.whenComplete((value, failure) -> handshake.cancel(true));
        handshake.whenComplete((value, failure) -> {
            Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
            if (cause == null || cause instanceof IOErrorException e && e.code() == IOErrorEnum.PENDING) {
                again.run(); // handshaken, or another call started one first: the gate orders what follows
            } else {
                future.completeExceptionally(cause);
            }
        });
        return true;
    }

    /** {@code task} on the pump's thread; if the pump is shut down, the future fails instead. */
    private static void onPump(MainContextPump pump, CompletableFuture<?> future, Runnable task) {
        try {
            pump.execute(task);
        } catch (IllegalStateException shutDown) {
            future.completeExceptionally(shutDown);
        }
    }

    /** One attempt for whenReady: false if it would block (keep waiting), true once the future is done. */
    private static <T> boolean settled(Attempt<T> attempt, CompletableFuture<T> future) {
        if (future.isDone()) {
            return true;
        }
        try {
            future.complete(attempt.run());
        } catch (IOErrorException e) {
            if (e.code() == IOErrorEnum.WOULD_BLOCK) {
                return false;
            }
            future.completeExceptionally(e);
        } catch (Throwable t) {
            future.completeExceptionally(t);
        }
        return true;
    }

    // ---- state after the handshake ------------------------------------------------------------------------

    /** {@code g_dtls_connection_get_protocol_version}: {@link ProtocolVersion#UNKNOWN} before the handshake. */
    @Wraps(value = {"g_dtls_connection_get_protocol_version"}, properties = {"GDtlsConnection:protocol-version"})
    public ProtocolVersion protocolVersion() {
        GDtlsConnection conn = handle.acquire();
        try {
            return ProtocolVersion.fromCode(Gio.g_dtls_connection_get_protocol_version(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_ciphersuite_name} (transfer full), in GnuTLS naming; null before the handshake. */
    @Wraps(value = {"g_dtls_connection_get_ciphersuite_name"}, properties = {"GDtlsConnection:ciphersuite-name"})
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
    @Wraps(value = {"g_dtls_connection_set_advertised_protocols"}, properties = {"GDtlsConnection:advertised-protocols"})
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

    /** The {@code advertised-protocols} property (no C getter exists): null if none are set. */
    @Wraps(properties = {"GDtlsConnection:advertised-protocols"})
    public List<String> advertisedProtocols() {
        GDtlsConnection conn = handle.acquire();
        try {
            return GProperties.getStrv(conn, "advertised-protocols");
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_negotiated_protocol} (transfer none): null if ALPN found no common protocol. */
    @Wraps(value = {"g_dtls_connection_get_negotiated_protocol"}, properties = {"GDtlsConnection:negotiated-protocol"})
    public String negotiatedProtocol() {
        GDtlsConnection conn = handle.acquire();
        try {
            return CStrings.borrowed(Gio.g_dtls_connection_get_negotiated_protocol(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_set_certificate}: this side's certificate (with private key). */
    @Wraps(value = {"g_dtls_connection_set_certificate"}, properties = {"GDtlsConnection:certificate"})
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

    /** {@code g_dtls_connection_get_certificate} (transfer none: the result holds its own reference), or null. */
    @Wraps(value = {"g_dtls_connection_get_certificate"}, properties = {"GDtlsConnection:certificate"})
    public TlsCertificate certificate() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsCertificate.borrow(Gio.g_dtls_connection_get_certificate(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_peer_certificate} (transfer none: the result holds its own reference), or null. */
    @Wraps(value = {"g_dtls_connection_get_peer_certificate"}, properties = {"GDtlsConnection:peer-certificate"})
    public TlsCertificate peerCertificate() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsCertificate.borrow(Gio.g_dtls_connection_get_peer_certificate(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_peer_certificate_errors}: what validation found wrong with the peer. */
    @Wraps(value = {"g_dtls_connection_get_peer_certificate_errors"}, properties = {"GDtlsConnection:peer-certificate-errors"})
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
    @Wraps(value = {"g_dtls_connection_set_database"}, properties = {"GDtlsConnection:database"})
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

    /**
     * {@code g_dtls_connection_get_database} (transfer none: the result holds its own reference). Null if
     * validation against a CA was disabled with {@code setDatabase(null)}; otherwise the backend's default
     * database unless one was set.
     */
    @Wraps(value = {"g_dtls_connection_get_database"}, properties = {"GDtlsConnection:database"})
    public TlsDatabase database() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsDatabase.borrow(Gio.g_dtls_connection_get_database(conn));
        } finally {
            handle.release();
        }
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
        GDtlsConnection conn = handle.acquire();
        GByteArray data = Gio.g_byte_array_new();
        try {
            GError error = GErrors.slot();
            Gio.g_dtls_connection_get_channel_binding_data(conn, type.code(), data, error);
            GErrors.check(error);
            byte[] result = new byte[data.len()];
            data.data().get(result);
            return result;
        } finally {
            Gio.g_byte_array_unref(data);
            handle.release();
        }
    }

    /**
     * {@code g_dtls_connection_set_interaction}: who answers the backend's PIN and client-certificate requests;
     * null for none. This connection keeps {@code interaction} alive while it is set.
     */
    @Wraps(value = {"g_dtls_connection_set_interaction"}, properties = {"GDtlsConnection:interaction"})
    public void setInteraction(TlsInteraction interaction) {
        GDtlsConnection conn = handle.acquire();
        try {
            if (interaction == null) {
                Gio.g_dtls_connection_set_interaction(conn, null);
            } else {
                try {
                    Gio.g_dtls_connection_set_interaction(conn, interaction.handle.acquire());
                } finally {
                    interaction.handle.release();
                }
            }
            this.interaction = interaction;
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_dtls_connection_get_interaction}: the interaction set with {@link #setInteraction}, or null if
     * none is set (or the one set natively is not implemented in Java).
     */
    @Wraps(value = {"g_dtls_connection_get_interaction"}, properties = {"GDtlsConnection:interaction"})
    public TlsInteraction interaction() {
        GDtlsConnection conn = handle.acquire();
        try {
            Pointer current = Gio.g_dtls_connection_get_interaction(conn);
            TlsInteraction mine = interaction;
            return current != null && !current.isNull() && mine != null && mine.handle.address() == current.address()
                    ? mine : null;
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_set_require_close_notify}. */
    @Wraps(value = {"g_dtls_connection_set_require_close_notify"}, properties = {"GDtlsConnection:require-close-notify"})
    public void setRequireCloseNotify(boolean require) {
        GDtlsConnection conn = handle.acquire();
        try {
            Gio.g_dtls_connection_set_require_close_notify(conn, require ? 1 : 0);
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_set_rehandshake_mode}: deprecated in GIO and ignored by its backends. */
    @Deprecated
    @Wraps(value = {"g_dtls_connection_set_rehandshake_mode"}, properties = {"GDtlsConnection:rehandshake-mode"})
    public void setRehandshakeMode(TlsRehandshakeMode mode) {
        Objects.requireNonNull(mode, "mode");
        GDtlsConnection conn = handle.acquire();
        try {
            Gio.g_dtls_connection_set_rehandshake_mode(conn, mode.code());
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_rehandshake_mode}: deprecated; GIO 2.74 always reports {@code SAFELY}. */
    @Deprecated
    @Wraps(value = {"g_dtls_connection_get_rehandshake_mode"}, properties = {"GDtlsConnection:rehandshake-mode"})
    public TlsRehandshakeMode rehandshakeMode() {
        GDtlsConnection conn = handle.acquire();
        try {
            return TlsRehandshakeMode.fromCode(Gio.g_dtls_connection_get_rehandshake_mode(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_connection_get_require_close_notify}. */
    @Wraps(value = {"g_dtls_connection_get_require_close_notify"}, properties = {"GDtlsConnection:require-close-notify"})
    public boolean requireCloseNotify() {
        GDtlsConnection conn = handle.acquire();
        try {
            return Gio.g_dtls_connection_get_require_close_notify(conn) != 0;
        } finally {
            handle.release();
        }
    }

    // ---- signals ------------------------------------------------------------------------------------------

    /**
     * Connects a listener to the {@code accept-certificate} signal (by name on this instance: the backend emits
     * {@code GTlsConnection::accept-certificate}). Listeners run in connection order; as in GObject, the first
     * one that returns {@code true} ends the emission. The listener is held only by this connection: it does not
     * keep the connection alive, and it is disconnected when the connection closes.
     */
    @Wraps(value = {"g_signal_connect_data"}, properties = {"GDtlsConnection::accept-certificate"})
    public Subscription onAcceptCertificate(AcceptCertificateListener listener) {
        Objects.requireNonNull(listener, "listener");
        long registryHandle = signals.connect("accept-certificate", CallbackDispatcher.ACCEPT_CERTIFICATE, listener);
        return () -> signals.disconnect(registryHandle);
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
        GDtlsConnection conn = handle.acquire();
        try {
            GTlsCertificate cert = peerCertificate.handle.acquire();
            try {
                return Gio.g_dtls_connection_emit_accept_certificate(conn, cert, TlsCertificateFlags.toBits(errors)) != 0;
            } finally {
                peerCertificate.handle.release();
            }
        } finally {
            handle.release();
        }
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
        Objects.requireNonNull(listener, "listener");
        if (property != null) {
            GDtlsConnection conn = handle.acquire();
            try (BytePointer name = CStrings.utf8(property)) {
                if (Gio.gdtls_object_property_type(conn, name) == 0) {
                    throw new IllegalArgumentException("no property '" + property + "' on " + this);
                }
            } finally {
                handle.release();
            }
        }
        String signal = property == null ? "notify" : "notify::" + property;
        long registryHandle = signals.connect(signal, CallbackDispatcher.NOTIFY, listener);
        return () -> signals.disconnect(registryHandle);
    }

    /** The trampoline's entry for this connection's handlers; runs on the emitting thread, never throws into C. */
    private long dispatchSignal(long registryHandle, int kind, long a0, long a1, long a2) {
        Object listener = signals.listener(registryHandle);
        if (listener == null) {
            return 0;
        }
        try {
            if (kind == CallbackDispatcher.ACCEPT_CERTIFICATE) {
                TlsCertificate peer = TlsCertificate.borrow(new GTlsCertificate(new RawPointer(a0)));
                return ((AcceptCertificateListener) listener).accept(this, peer, TlsCertificateFlags.fromBits((int) a1))
                        ? 1 : 0;
            }
            if (kind == CallbackDispatcher.NOTIFY) {
                ((NotifyListener) listener).propertyChanged(this, InternedStrings.of(a0)); // GParamSpec names are interned
            }
            return 0;
        } catch (Throwable t) {
            CallbackErrors.report(kindName(kind) + " listener " + listener, t);
            return 0;
        }
    }

    private static String kindName(int kind) {
        return kind == CallbackDispatcher.ACCEPT_CERTIFICATE ? "accept-certificate" : "notify";
    }

    // ---- datagrams ----------------------------------------------------------------------------------------

    /** Sends one datagram (blocking). See {@link #send(ByteBuffer[], int, int, Duration)}. */
    @Wraps("g_datagram_based_send_messages")
    public void send(ByteBuffer message) throws GioException {
        sendOne(message, null);
    }

    /** One datagram, without the array of the batch form: nothing is allocated on this path. */
    private int sendOne(ByteBuffer message, Duration timeout) throws GioException {
        Duration left = enterIo(timeout, null);
        Throwable failure = null;
        try {
            return io.sendOne(datagramBased, message, left, null);
        } catch (GioException e) {
            GioException reported = ioFailure(e);
            failure = reported;
            throw reported;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            leaveIo(timeout, failure);
        }
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
        Objects.checkFromIndexSize(offset, length, messages.length);
        Duration left = enterIo(timeout, cancellable);
        Throwable failure = null;
        try {
            return io.send(datagramBased, messages, offset, length, left, cancellable);
        } catch (GioException e) {
            GioException reported = ioFailure(e);
            failure = reported;
            throw reported;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            leaveIo(timeout, failure);
        }
    }

    /** Receives one datagram into {@code buffer} (blocking). See {@link #receive(ByteBuffer[], int, int, Duration)}. */
    @Wraps("g_datagram_based_receive_messages")
    public int receive(ByteBuffer buffer) throws GioException {
        return receive(buffer, null);
    }

    /**
     * Receives one datagram into {@code buffer} from its position; the position advances by its length.
     *
     * @return the datagram's length, or -1 once the peer has closed (close_notify received)
     */
    @Wraps("g_datagram_based_receive_messages")
    public int receive(ByteBuffer buffer, Duration timeout) throws GioException {
        requireRoom(buffer);
        int start = buffer.position();
        Duration left = enterIo(timeout, null);
        int received;
        Throwable failure = null;
        try {
            received = io.receiveOne(datagramBased, buffer, left, null);
        } catch (GioException e) {
            GioException reported = ioFailure(e);
            failure = reported;
            throw reported;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            leaveIo(timeout, failure);
        }
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
        Objects.checkFromIndexSize(offset, length, buffers.length);
        Duration left = enterIo(timeout, cancellable);
        Throwable failure = null;
        try {
            return io.receive(datagramBased, buffers, offset, length, left, cancellable);
        } catch (GioException e) {
            GioException reported = ioFailure(e);
            failure = reported;
            throw reported;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            leaveIo(timeout, failure);
        }
    }

    /**
     * Before datagram I/O: a lease on the native object, then the handshake gate (which may wait out an explicit
     * handshake). Returns the timeout left for GIO. Paired with {@link #leaveIo}.
     */
    private Duration enterIo(Duration timeout, Cancellable cancellable) throws IOErrorException {
        acquireForIo();
        try {
            return gate.enterIo(timeout, cancellable);
        } catch (IOErrorException | RuntimeException e) {
            handle.release();
            throw e;
        }
    }

    /** After datagram I/O: tells the gate how it ended ({@code failure} null for success), drops the lease. */
    private void leaveIo(Duration timeout, Throwable failure) {
        try {
            gate.leaveIo(timeout, failure);
        } finally {
            handle.release();
        }
    }

    /** Throws the GError of an I/O call, if any, as {@link #ioFailure} reports it. */
    private void checkIo(GError error) throws GioException {
        if (!error.isNull()) {
            throw ioFailure(GErrors.take(error));
        }
    }

    /** CLOSED if the base socket was closed under the call (see {@link UdpSocket#close}), else {@code failure}. */
    private GioException ioFailure(GioException failure) {
        return TransportLease.closedIfShut(base, failure);
    }

    /**
     * A datagram received into no room would read as -1, "the peer closed", while GIO only dropped its bytes
     * (it truncates silently): refuse that instead.
     */
    private static void requireRoom(ByteBuffer buffer) {
        if (!Objects.requireNonNull(buffer, "buffer").hasRemaining()) {
            throw new IllegalArgumentException("buffer has no room left to receive into");
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

    /** The open connection at {@code address}, or null (for callbacks that pass a GTlsConnection*). */
    static DtlsConnection live(long address) {
        WeakReference<DtlsConnection> ref = LIVE.get(address);
        return ref == null ? null : ref.get();
    }

    /** Fails every pending handshakeAsync, shutdownAsync, receiveAsync and sendAsync with CLOSED. */
    private void failPending() {
        for (CompletableFuture<?> future : waiting) {
            future.completeExceptionally(new IOErrorException(IOErrorEnum.CLOSED.code(), "Connection is closed"));
        }
    }

    /** Tracks {@code future} until it ends, so that closing the connection fails it (and cancels its operation). */
    private <T> CompletableFuture<T> failedByClose(CompletableFuture<T> future) {
        waiting.add(future);
        future.whenComplete((value, failure) -> waiting.remove(future));
        return future;
    }

    /** Runs once, when the last native call on a closed connection ends. */
    private void releaseNativeState() {
        for (Subscription watch : watches) {
            watch.close();
        }
        watches.clear();
        failPending();
        signals.disconnectAll(new RawPointer(handle.address()));
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
