package org.gdtls;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One client of a {@link DtlsServer}: its address and its {@link DtlsServerConnection}. The server owns both; the
 * application uses the connection (send, receive, watch, properties) and ends the session with {@link #close()},
 * not with the connection's own close. The server ends it too: at the peer's close_notify (when it reads for the
 * application, {@link DtlsServer.Builder#onDatagram}), after the idle timeout, on an error, or when the server
 * closes.
 */
public final class DtlsPeer {
    /** Why a peer's session ended. */
    public enum End {
        /** The application called {@link #close()}. */
        APPLICATION,
        /** The peer sent close_notify. */
        CLOSE_NOTIFY,
        /** The peer sent nothing for the idle timeout. */
        IDLE,
        /** The handshake failed (see {@link DtlsPeer#failure()}). */
        HANDSHAKE_FAILED,
        /** The handshake did not finish within the handshake timeout. */
        HANDSHAKE_TIMED_OUT,
        /** A receive or an application callback failed (see {@link DtlsPeer#failure()}). */
        ERROR,
        /** The server closed. */
        SERVER_CLOSED
    }

    enum State { HANDSHAKING, ESTABLISHED, CLOSING }

    final DtlsServer server;
    final InetSocketAddress address;
    final PeerTransport transport;
    final DtlsServerConnection connection;
    final CompletableFuture<End> ended = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    // guarded by the server's lock
    State state = State.HANDSHAKING;
    ScheduledFuture<?> handshakeDeadline;
    Subscription reader;
    volatile Throwable failure;
    volatile long handshakeNanos = -1;

    DtlsPeer(DtlsServer server, InetSocketAddress address, PeerTransport transport, DtlsServerConnection connection) {
        this.server = server;
        this.address = address;
        this.transport = transport;
        this.connection = connection;
    }

    /** The peer's address (its source address and port). */
    public InetSocketAddress address() {
        return address;
    }

    InetAddress source() {
        return address.getAddress();
    }

    /** The session's connection, handshaken. Owned by the server: end the session with {@link #close()}. */
    public DtlsServerConnection connection() {
        return connection;
    }

    /** Whether the session is still open (not yet closing). */
    public boolean isOpen() {
        return server.isOpen(this);
    }

    /**
     * Ends the session: sends close_notify (bounded by the server's close timeout), releases the connection and
     * the transport, and forgets the peer; its next ClientHello starts a new session. Idempotent.
     *
     * @return {@link #ended()}
     */
    public CompletableFuture<End> close() {
        server.end(this, End.APPLICATION, null);
        return ended;
    }

    /** Completes, with the reason, once the session has ended and everything it held is released. */
    public CompletableFuture<End> ended() {
        return ended.copy();
    }

    /**
     * How long the handshake took, from the server's start of it (the admitted ClientHello) to its success; null
     * if it has not succeeded (still in progress, failed or timed out).
     */
    public Duration handshakeDuration() {
        long nanos = handshakeNanos;
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    /** What made the session end with {@link End#HANDSHAKE_FAILED} or {@link End#ERROR}; null otherwise. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public String toString() {
        return "DtlsPeer[" + address + ", " + server.stateOf(this) + "]";
    }
}
