package org.gdtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.DtlsPeer.End;
import org.gdtls.DtlsPeer.State;
import org.gdtls.internal.async.Deadlines;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.server.Admission;

/**
 * A DTLS server on one UDP port: GIO's {@link DtlsServerConnection} for each peer, over a {@link PeerTransport}
 * of the shared socket. One thread reads the socket; the glue hands each datagram to its peer's transport in C,
 * and returns only ClientHellos from new senders to that thread, which admits them within the limits below.
 * GIO runs each handshake on its GTask thread pool (shared by the process: 10 threads, one more every 100 ms or so
 * while all are busy), and the server's pump completes it; an established peer holds no thread: its datagrams,
 * listeners and close run on a {@link MainContextPump}. Each handshaken peer goes to the {@link Builder#onPeer}
 * listener, or else waits for {@link #accept()}.
 *
 * <p>GIO has no DTLS cookie exchange (glib-networking never asks GnuTLS for one), so the server's first flight
 * answers any ClientHello, spoofed or not, with several times its size. The limits bound what a stranger can
 * make the server do: sessions at most {@link Builder#maxPeers}; half-open handshakes at most
 * {@link Builder#maxHalfOpen} overall and {@link Builder#maxHalfOpenPerSource} per source address; new handshakes
 * per source address at most {@link Builder#handshakesPerSourcePerSecond}; each handshake within
 * {@link Builder#handshakeTimeout}; each peer silent for less than {@link Builder#idleTimeout}; at most
 * {@link Builder#queueCapacity} datagrams waiting per peer. A datagram from a sender with no session that is not a
 * ClientHello gets no reply. A datagram shorter than a DTLS record header is dropped whoever sends it: GIO would
 * read an empty one as the end of its peer's session and invalidate the session (one spoofed datagram would end
 * it), and a shorter header would cost the session its next record. {@link #stats()} counts every datagram and
 * every refusal by reason; {@link Builder#onRefused} hears of each refusal, {@link Builder#onPeerEnded} of each
 * session's end, handshaken or not.
 *
 * <pre>{@code
 * try (DtlsServer server = DtlsServer.builder(new InetSocketAddress(5684), certificate)
 *         .onDatagram((peer, datagram) -> peer.connection().send(datagram)) // echo
 *         .start()) {
 *     ...
 * }
 * }</pre>
 */
public final class DtlsServer implements AutoCloseable {
    /** Receives each datagram of a peer, on the server's pump thread; the buffer is valid during the call only. */
    @FunctionalInterface
    public interface DatagramListener {
        void onDatagram(DtlsPeer peer, ByteBuffer datagram) throws Exception;
    }

    /** Why a ClientHello from a new sender got no handshake (and no reply); see {@link Builder#onRefused}. */
    public enum Refusal {
        /** As many sessions as {@link Builder#maxPeers} allows, half-open ones included. */
        MAX_PEERS,
        /** As many handshakes in progress as {@link Builder#maxHalfOpen} allows. */
        MAX_HALF_OPEN,
        /** As many handshakes in progress from that source address as {@link Builder#maxHalfOpenPerSource} allows. */
        MAX_HALF_OPEN_PER_SOURCE,
        /** That source address started handshakes faster than {@link Builder#handshakesPerSourcePerSecond} allows. */
        RATE_LIMITED
    }

    private static final Duration CLOSE_WAIT_MARGIN = Duration.ofSeconds(2);
    private static final int IDLE_SCAN = 1024;

    private final Builder settings;
    private final UdpSocket socket;
    private final PeerDemux demux;
    private final MainContextPump pump;
    private final boolean ownsPump;
    private final TlsCertificate certificate; // the server's own references
    private final TlsDatabase connectionDatabase; // null: none (see databaseFor)
    private final Admission admission;
    private final Cancellable readerCancel = new Cancellable();
    private final Thread reader;
    private final Duration tick;
    private final PointerPointer<GDatagramBased> idleScratch = new PointerPointer<>(IDLE_SCAN);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(Glue.GDTLS_DEMUX_MAX_DATAGRAM); // pump thread

    private final Object lock = new Object();
    // guarded by lock
    private final Map<Long, DtlsPeer> peers = new HashMap<>(); // by transport address
    private final ArrayDeque<DtlsPeer> unclaimed = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<DtlsPeer>> waiting = new ArrayDeque<>();
    private final long[] refusals = new long[Refusal.values().length];
    private long succeeded;
    private long failed;
    private long timedOut;
    private long closedIdle;
    private long callbackFailures;
    private boolean closing;

    private DtlsServer(Builder settings, UdpSocket socket, MainContextPump pump, boolean ownsPump) {
        this.settings = settings;
        this.socket = socket;
        this.pump = pump;
        this.ownsPump = ownsPump;
        this.demux = new PeerDemux(socket);
        this.certificate = settings.certificate.handle.call(TlsCertificate::borrow);
        this.connectionDatabase = databaseFor(settings);
        this.admission = new Admission(settings.maxPeers, settings.maxHalfOpen, settings.maxHalfOpenPerSource,
                settings.handshakesPerSecond, settings.handshakeBurst);
        Duration shortest = settings.idleTimeout.compareTo(settings.handshakeTimeout) < 0
                ? settings.idleTimeout : settings.handshakeTimeout;
        this.tick = clamp(shortest.dividedBy(4), Duration.ofMillis(20), Duration.ofSeconds(1));
        this.reader = new Thread(this::read, "gdtls-server " + settings.local);
        reader.setDaemon(true);
    }

    /** A server for {@code local} (port 0: any free port) whose peers see {@code certificate} (with its key). */
    public static Builder builder(InetSocketAddress local, TlsCertificate certificate) {
        return new Builder(local, certificate);
    }

    /** The address the server listens on (with the port chosen for port 0). */
    public InetSocketAddress localAddress() throws GioException {
        return socket.localAddress();
    }

    /**
     * The next handshaken peer not yet handed out, as a future (every peer goes to exactly one caller).
     *
     * @throws IllegalStateException if the server has an {@link Builder#onPeer} listener: peers go there
     */
    public CompletableFuture<DtlsPeer> accept() {
        if (settings.onPeer != null) {
            throw new IllegalStateException("this server hands its peers to its onPeer listener");
        }
        synchronized (lock) {
            if (closing) {
                return CompletableFuture.failedFuture(new IllegalStateException("server closed"));
            }
            DtlsPeer ready = unclaimed.poll();
            if (ready != null) {
                return CompletableFuture.completedFuture(ready);
            }
            CompletableFuture<DtlsPeer> next = new CompletableFuture<>();
            waiting.add(next);
            return next;
        }
    }

    /** The handshaken peers now. */
    public List<DtlsPeer> peers() {
        synchronized (lock) {
            return peers.values().stream().filter(p -> p.state == State.ESTABLISHED).toList();
        }
    }

    /** The counters now; after {@link #close()}, with every session ended, the totals. */
    public DtlsServerStats stats() {
        long[] c = demux.counters();
        synchronized (lock) {
            return new DtlsServerStats(admission.peers(), admission.halfOpen(), succeeded, failed, timedOut, closedIdle,
                    c[PeerDemux.RECEIVED], c[PeerDemux.DELIVERED], c[PeerDemux.QUEUE_FULL], c[PeerDemux.STRAY], c[PeerDemux.SHORT],
                    refusals[Refusal.MAX_PEERS.ordinal()], refusals[Refusal.MAX_HALF_OPEN.ordinal()],
                    refusals[Refusal.MAX_HALF_OPEN_PER_SOURCE.ordinal()], refusals[Refusal.RATE_LIMITED.ordinal()],
                    callbackFailures);
        }
    }

    /**
     * Stops reading, ends every session with close_notify (each bounded by the close timeout), and releases the
     * socket, every connection and transport, and the pump if the server started it. Waits for all that unless
     * called on the pump's thread. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        readerCancel.cancel();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5)); // first: only the reader adds peers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<DtlsPeer> all;
        List<CompletableFuture<DtlsPeer>> waiters;
        synchronized (lock) {
            all = new ArrayList<>(peers.values());
            waiters = new ArrayList<>(waiting);
            waiting.clear();
        }
        waiters.forEach(w -> w.completeExceptionally(new IllegalStateException("server closed")));
        all.forEach(p -> end(p, End.SERVER_CLOSED, null));
        if (!pump.isPumpThread()) {
            try {
                CompletableFuture.allOf(all.stream().map(p -> p.ended).toArray(CompletableFuture[]::new))
                        .get(settings.closeTimeout.plus(CLOSE_WAIT_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // every close is bounded by its own deadline; what is left is released by the pump's shutdown
            }
        }
        if (!reader.isAlive()) {
            demux.close();
        } // else the reader still holds it: its handle's leases keep it until the reader's call returns
        socket.close();
        if (ownsPump) {
            pump.close();
        }
        certificate.close();
        if (connectionDatabase != null) {
            connectionDatabase.close();
        }
        readerCancel.close();
    }

    @Override
    public String toString() {
        return "DtlsServer[" + settings.local + ", " + stats().peers() + " peers" + (isClosing() ? ", closed" : "") + "]";
    }

    // ---- the reader thread ---------------------------------------------------------------------------------

    private void read() {
        long nextSweep = System.nanoTime() + tick.toNanos();
        while (!isClosing()) {
            try {
                InetSocketAddress from = demux.receive(tick, readerCancel);
                admit(from, demux.hello());
            } catch (IOErrorException e) {
                if (isClosing() || e.code() == IOErrorEnum.CLOSED) {
                    break;
                }
                if (e.code() != IOErrorEnum.TIMED_OUT) {
                    CallbackErrors.report("DtlsServer: reading the socket", e);
                }
            } catch (GioException | RuntimeException e) {
                if (isClosing()) {
                    break;
                }
                CallbackErrors.report("DtlsServer: reading the socket", e);
            }
            if (System.nanoTime() - nextSweep >= 0) {
                closeIdlePeers();
                nextSweep = System.nanoTime() + tick.toNanos();
            }
        }
    }

    /** A ClientHello from a new sender: a session if the limits allow, else dropped without a reply. */
    private void admit(InetSocketAddress from, ByteBuffer hello) {
        Refusal refusal;
        synchronized (lock) {
            if (closing) {
                return;
            }
            refusal = admission.admit(from.getAddress(), System.nanoTime());
            if (refusal != null) {
                refusals[refusal.ordinal()]++;
            }
        }
        if (refusal != null) {
            if (settings.onRefused != null) {
                refused(from, refusal);
            }
            return;
        }
        PeerTransport transport = demux.add(from, settings.queueCapacity);
        if (transport == null) { // only this thread adds, and it removes nothing: a session for it exists
            synchronized (lock) {
                admission.handshakeEnded(from.getAddress());
                admission.left();
            }
            return;
        }
        DtlsServerConnection connection;
        try {
            connection = DtlsServerConnection.create(transport, certificate, connectionDatabase);
            configure(connection);
        } catch (GioException | RuntimeException e) {
            demux.remove(transport);
            transport.close();
            synchronized (lock) {
                admission.handshakeEnded(from.getAddress());
                admission.left();
                failed++;
            }
            CallbackErrors.report("DtlsServer: a connection for " + from, e);
            return;
        }
        DtlsPeer peer = new DtlsPeer(this, from, transport, connection);
        synchronized (lock) {
            peers.put(transport.address(), peer);
        }
        transport.deliver(hello);
        synchronized (lock) {
            peer.handshakeDeadline = Deadlines.after(settings.handshakeTimeout,
                    () -> end(peer, End.HANDSHAKE_TIMED_OUT, null));
        }
        // GIO runs the handshake on its GTask pool, whether started sync or async (gtlsconnection-base.c:
        // g_task_run_in_thread even in the sync call), so a thread of ours would only wait beside it. That pool
        // is the process's, 10 threads: each half-open handshake holds one while its peer is silent.
        connection.handshakeAsync(pump, 0, null).whenComplete((ok, error) -> {
            if (error == null) {
                established(peer);
            } else {
                end(peer, End.HANDSHAKE_FAILED, unwrap(error));
            }
        });
    }

    /**
     * The database each connection is constructed with, a reference of the server's own: the application's; none
     * when no client certificate is asked for (then it is never used, and constructing without one would load the
     * system CA bundle into every connection on glib-networking 2.74); else GIO's default, as a connection would
     * have it.
     */
    private static TlsDatabase databaseFor(Builder settings) {
        if (settings.database != null) {
            return settings.database.handle.call(TlsDatabase::borrow);
        }
        return settings.authenticationMode == TlsAuthenticationMode.NONE ? null : TlsBackend.defaultDatabase();
    }

    private void refused(InetSocketAddress from, Refusal refusal) {
        try {
            settings.onRefused.accept(from, refusal);
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                callbackFailures++;
            }
            CallbackErrors.report("DtlsServer: onRefused listener for " + from, e);
        }
    }

    private void configure(DtlsServerConnection connection) {
        connection.setAuthenticationMode(settings.authenticationMode);
        if (!settings.alpn.isEmpty()) {
            connection.setAdvertisedProtocols(settings.alpn);
        }
        if (settings.interaction != null) {
            connection.setInteraction(settings.interaction);
        }
        if (settings.onAcceptCertificate != null) {
            AcceptCertificateListener listener = settings.onAcceptCertificate;
            connection.onAcceptCertificate((conn, certificate, errors) -> {
                try {
                    return listener.accept(conn, certificate, errors);
                } catch (RuntimeException | Error e) {
                    synchronized (lock) {
                        callbackFailures++;
                    }
                    CallbackErrors.report("DtlsServer: accept-certificate listener", e);
                    return false; // refused: the handshake fails, this peer alone
                }
            });
        }
    }

    /** Established peers silent for the idle timeout get close_notify. */
    private void closeIdlePeers() {
        int n;
        try {
            n = demux.collectIdle(settings.idleTimeout, idleScratch);
        } catch (IllegalStateException closed) {
            return;
        }
        for (int i = 0; i < n; i++) {
            long transport = idleScratch.get(i).address();
            DtlsPeer peer;
            synchronized (lock) { // a half-open peer is the handshake timeout's
                peer = peers.get(transport);
                if (peer != null && peer.state != State.ESTABLISHED) {
                    peer = null;
                }
            }
            if (peer != null) {
                end(peer, End.IDLE, null);
            }
        }
    }

    // ---- a peer's life (any thread) ------------------------------------------------------------------------

    private void established(DtlsPeer peer) {
        synchronized (lock) {
            if (peer.state != State.HANDSHAKING) {
                return;
            }
            peer.state = State.ESTABLISHED;
            peer.handshakeNanos = System.nanoTime() - peer.startNanos;
            admission.handshakeEnded(peer.source());
            succeeded++;
            peer.handshakeDeadline.cancel(false);
        }
        if (settings.onDatagram != null) {
            Subscription watch = peer.connection.watch(pump, Set.of(IOCondition.IN), null,
                    ready -> readFor(peer));
            boolean late;
            synchronized (lock) {
                late = peer.state != State.ESTABLISHED;
                peer.reader = watch;
            }
            if (late) {
                watch.close();
            }
        }
        if (settings.onPeer != null) {
            try {
                settings.onPeer.accept(peer);
            } catch (RuntimeException | Error e) {
                callbackFailed(peer, "onPeer listener", e);
            }
            return;
        }
        handOut(peer);
    }

    private void handOut(DtlsPeer peer) {
        while (true) {
            CompletableFuture<DtlsPeer> next;
            synchronized (lock) {
                if (peer.state != State.ESTABLISHED) {
                    return;
                }
                next = waiting.poll();
                if (next == null) {
                    unclaimed.add(peer);
                    return;
                }
            }
            if (next.complete(peer)) {
                return;
            } // that caller gave up (cancelled): the next one
        }
    }

    /** One datagram of {@code peer} to the application; on the pump thread. False ends the watch. */
    private boolean readFor(DtlsPeer peer) {
        int n;
        try {
            n = peer.connection.receive(readBuffer.clear(), Duration.ZERO);
        } catch (IOErrorException e) {
            if (e.code() == IOErrorEnum.WOULD_BLOCK) {
                return true; // a record that carried no data (a retransmitted flight)
            }
            end(peer, End.ERROR, e);
            return false;
        } catch (GioException | RuntimeException e) {
            end(peer, End.ERROR, e);
            return false;
        }
        if (n < 0) {
            end(peer, End.CLOSE_NOTIFY, null);
            return false;
        }
        try {
            settings.onDatagram.onDatagram(peer, readBuffer.flip());
        } catch (Exception | Error e) {
            callbackFailed(peer, "onDatagram listener", e);
            return false;
        }
        return true;
    }

    private void callbackFailed(DtlsPeer peer, String what, Throwable e) {
        synchronized (lock) {
            callbackFailures++;
        }
        CallbackErrors.report("DtlsServer: " + what + " for " + peer.address, e);
        end(peer, End.ERROR, e);
    }

    /**
     * Ends a session once: forgets the peer (its address may start a new one), stops the handshake or the reader,
     * sends close_notify within the close timeout, then drops the connection and the transport.
     */
    void end(DtlsPeer peer, End reason, Throwable failure) {
        Subscription watch;
        synchronized (lock) {
            if (peer.state == State.CLOSING) {
                return;
            }
            if (peer.state == State.HANDSHAKING) {
                admission.handshakeEnded(peer.source());
                if (reason == End.HANDSHAKE_TIMED_OUT) {
                    timedOut++;
                } else if (reason == End.HANDSHAKE_FAILED) {
                    failed++;
                }
                if (peer.handshakeDeadline != null) {
                    peer.handshakeDeadline.cancel(false);
                }
            } else if (reason == End.IDLE) {
                closedIdle++;
            }
            peer.state = State.CLOSING;
            peer.failure = failure;
            peers.remove(peer.transport.address());
            unclaimed.remove(peer);
            watch = peer.reader;
        }
        // From now on its address's datagrams are strays, or a new ClientHello. The shut also ends a handshake in
        // progress (its next read fails with CLOSED): cancelling it instead would open GLib 2.74's window where a
        // cancel from another thread meets a freed GMainContext (GLib #3448, README), once per timed-out handshake.
        demux.remove(peer.transport);
        if (watch != null) {
            watch.close();
        }
        closeNotify(peer).whenComplete((ok, error) -> {
            peer.transport.close();
            synchronized (lock) {
                admission.left();
            }
            if (settings.onPeerEnded != null) {
                peerEnded(peer, reason);
            }
            peer.ended.complete(reason);
        });
    }

    private void peerEnded(DtlsPeer peer, End reason) {
        try {
            settings.onPeerEnded.accept(peer, reason);
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                callbackFailures++;
            }
            CallbackErrors.report("DtlsServer: onPeerEnded listener for " + peer.address, e);
        }
    }

    /** The connection's close (close_notify), bounded by the close timeout; never fails. */
    private CompletableFuture<Void> closeNotify(DtlsPeer peer) {
        Cancellable bound = new Cancellable();
        var timer = Deadlines.after(settings.closeTimeout, () -> {
            try {
                bound.cancel();
            } catch (IllegalStateException over) {
                // the close ended and released its cancellable meanwhile
            }
        });
        CompletableFuture<Void> closed;
        try {
            closed = peer.connection.closeAsync(pump, 0, bound);
        } catch (RuntimeException e) { // the pump is gone: close here, bounded the same way
            try {
                peer.connection.close(bound);
            } catch (GioException | RuntimeException ignored) {
                // released either way
            }
            closed = CompletableFuture.completedFuture(null);
        }
        return closed.handle((ok, error) -> {
            timer.cancel(false);
            bound.close();
            return null;
        });
    }

    boolean isOpen(DtlsPeer peer) {
        synchronized (lock) {
            return peer.state != State.CLOSING;
        }
    }

    State stateOf(DtlsPeer peer) {
        synchronized (lock) {
            return peer.state;
        }
    }

    private boolean isClosing() {
        synchronized (lock) {
            return closing;
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    /** The settings of a {@link DtlsServer}; {@link #start()} binds the port and starts reading it. */
    public static final class Builder {
        private final InetSocketAddress local;
        private final TlsCertificate certificate;
        private TlsDatabase database;
        private TlsAuthenticationMode authenticationMode = TlsAuthenticationMode.NONE;
        private List<String> alpn = List.of();
        private TlsInteraction interaction;
        private AcceptCertificateListener onAcceptCertificate;
        private Consumer<DtlsPeer> onPeer;
        private DatagramListener onDatagram;
        private BiConsumer<InetSocketAddress, Refusal> onRefused;
        private BiConsumer<DtlsPeer, End> onPeerEnded;
        private MainContextPump pump;
        private int maxPeers = 1024;
        private int maxHalfOpen = 128;
        private int maxHalfOpenPerSource = 16;
        private double handshakesPerSecond = 20;
        private int handshakeBurst = 40;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration closeTimeout = Duration.ofSeconds(2);
        private int queueCapacity = QueuedTransport.DEFAULT_CAPACITY;
        private int receiveBufferSize = 4 << 20;

        private Builder(InetSocketAddress local, TlsCertificate certificate) {
            this.local = Objects.requireNonNull(local, "local");
            this.certificate = Objects.requireNonNull(certificate, "certificate");
        }

        /** Validates client certificates ({@code GDtlsConnection:database}); the server keeps its own reference. */
        public Builder database(TlsDatabase database) {
            this.database = database;
            return this;
        }

        /** Whether to ask clients for a certificate (default {@link TlsAuthenticationMode#NONE}). */
        public Builder authenticationMode(TlsAuthenticationMode mode) {
            this.authenticationMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** ALPN protocols to accept, in preference order. */
        public Builder advertisedProtocols(List<String> protocols) {
            this.alpn = List.copyOf(protocols);
            return this;
        }

        /** The interaction of every connection (keep it open while the server runs). */
        public Builder interaction(TlsInteraction interaction) {
            this.interaction = interaction;
            return this;
        }

        /**
         * Decides on client certificates that do not validate (glib-networking emits accept-certificate for valid
         * ones too). Runs on a GIO worker thread during the handshake; a throw refuses the certificate.
         */
        public Builder onAcceptCertificate(AcceptCertificateListener listener) {
            this.onAcceptCertificate = listener;
            return this;
        }

        /** Receives each handshaken peer, on the pump's thread; a throw ends that peer's session alone. */
        public Builder onPeer(Consumer<DtlsPeer> listener) {
            this.onPeer = listener;
            return this;
        }

        /**
         * Reads every handshaken peer for the application: each datagram goes to {@code listener} on the pump's
         * thread, and the peer's close_notify ends its session. Without it the application reads the connections
         * itself (and ends sessions with {@link DtlsPeer#close()}).
         */
        public Builder onDatagram(DatagramListener listener) {
            this.onDatagram = listener;
            return this;
        }

        /**
         * Hears of each ClientHello a limit refused, with the sender and the limit (counted in {@link #stats()}
         * too). Runs on the thread that reads the socket, which reads nothing meanwhile: keep it short. A throw is
         * reported and counted as a callback failure. A flood calls it once per datagram.
         */
        public Builder onRefused(BiConsumer<InetSocketAddress, Refusal> listener) {
            this.onRefused = listener;
            return this;
        }

        /**
         * Hears of every session's end once, with its reason: handshaken peers, and the ones {@link #onPeer} and
         * {@link DtlsServer#accept()} never see because their handshake failed ({@link End#HANDSHAKE_FAILED}, with
         * {@link DtlsPeer#failure()}) or timed out. Runs after the session's close_notify and release, just before
         * {@link DtlsPeer#ended()} completes: the connection is closed by then. Runs on the pump's thread (or,
         * if the pump is gone, on the thread that ended the session); {@link DtlsServer#close()} waits for it
         * within its close bound. A throw is reported and counted as a callback failure.
         */
        public Builder onPeerEnded(BiConsumer<DtlsPeer, End> listener) {
            this.onPeerEnded = listener;
            return this;
        }

        /** The pump for datagrams, closes and listeners (default: one the server starts and stops). */
        public Builder pump(MainContextPump pump) {
            this.pump = pump;
            return this;
        }

        /** Sessions at once, half-open ones included (default 1024). */
        public Builder maxPeers(int n) {
            this.maxPeers = positive(n, "maxPeers");
            return this;
        }

        /**
         * Handshakes in progress at once (default 128). Each holds a thread of GIO's GTask pool while it lasts,
         * waiting on its peer too; the pool has 10 and grows by about one every 100 ms while all are busy, so
         * handshakes stuck on silent peers delay the ones behind them until the handshake timeout ends them.
         */
        public Builder maxHalfOpen(int n) {
            this.maxHalfOpen = positive(n, "maxHalfOpen");
            return this;
        }

        /** Handshakes in progress at once from one source address, any port (default 16). */
        public Builder maxHalfOpenPerSource(int n) {
            this.maxHalfOpenPerSource = positive(n, "maxHalfOpenPerSource");
            return this;
        }

        /**
         * New handshakes one source address may start: {@code perSecond} on average, {@code burst} at once
         * (default 20 per second, 40 at once).
         */
        public Builder handshakesPerSourcePerSecond(double perSecond, int burst) {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("perSecond must be positive and finite: " + perSecond);
            }
            this.handshakesPerSecond = perSecond;
            this.handshakeBurst = positive(burst, "burst");
            return this;
        }

        /** A handshake not finished by then ends the peer's session (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        /** An established peer that sends nothing for this long gets close_notify (default 5 min). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /** How long a session's close_notify may take (default 2 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /** Datagrams waiting per peer; more are dropped and counted (default {@link QueuedTransport#DEFAULT_CAPACITY}). */
        public Builder queueCapacity(int n) {
            this.queueCapacity = positive(n, "queueCapacity");
            return this;
        }

        /**
         * The kernel receive buffer asked for the shared socket (default 4 MiB; Linux caps it at
         * {@code net.core.rmem_max}, see {@link UdpSocket#setReceiveBufferSize}). All peers' datagrams wait there
         * until the reader takes them: with the default 208 KiB, a burst from a hundred busy peers overflows it.
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = positive(bytes, "receiveBufferSize");
            return this;
        }

        /** Binds the port and starts reading it. */
        @Wraps({"gdtls_peer_demux_new", "gdtls_peer_demux_receive", "gdtls_peer_demux_add"})
        public DtlsServer start() throws GioException {
            Gdtls.load();
            certificate.handle.call(c -> c); // fails now, not on the first peer, if it is closed
            UdpSocket socket = UdpSocket.bind(local);
            try {
                socket.setReceiveBufferSize(receiveBufferSize);
            } catch (GioException | RuntimeException e) {
                socket.close();
                throw e;
            }
            MainContextPump usedPump = pump;
            boolean ownsPump = usedPump == null;
            DtlsServer server;
            try {
                if (ownsPump) {
                    usedPump = MainContextPump.start("gdtls-server-pump");
                }
                server = new DtlsServer(this, socket, usedPump, ownsPump);
            } catch (RuntimeException e) {
                socket.close();
                if (ownsPump && usedPump != null) {
                    usedPump.close();
                }
                throw e;
            }
            server.reader.start();
            return server;
        }

        private static int positive(int n, String what) {
            if (n <= 0) {
                throw new IllegalArgumentException(what + " must be positive: " + n);
            }
            return n;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
