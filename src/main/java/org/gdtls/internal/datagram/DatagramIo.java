package org.gdtls.internal.datagram;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.GioException;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;
import org.gdtls.Subscription;
import org.gdtls.TlsErrorException;
import org.gdtls.internal.async.PumpLoop;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.glue.NativeCancellable;
import org.gdtls.internal.glue.ObjectHandle;

/**
 * The datagram I/O of one connection, and its order against explicit handshakes. Each call takes a lease on the
 * connection's GObject, passes the gate below, and makes one call into its direction's {@link DatagramBatch}. One
 * sender and one receiver may run at once, as in GIO.
 *
 * <p>The gate: glib-networking (2.74 to 2.90, {@code tls/base/gtlsconnection-base.c}) aborts the process with
 * {@code g_assert (!priv->handshake_context)} when a handshake starts while another one holds the connection's
 * handshake context: an explicit handshake during another explicit one; an explicit one during an implicit one
 * (I/O before any handshake runs it); and I/O that starts an implicit handshake after an explicit async one set
 * its context but before its worker thread claimed the connection. An implicit handshake started by
 * non-blocking I/O keeps that context until a later I/O call finishes it. So:
 * <ul>
 *   <li>one explicit handshake runs at a time, and one is refused with {@code PENDING} while I/O is inside GIO
 *       or while non-blocking I/O may have left an implicit handshake unfinished (until I/O succeeds or reports
 *       the handshake's TLS error);</li>
 *   <li>no I/O enters GIO while an explicit handshake runs: it waits as GIO's own {@code claim_op} would (a zero
 *       timeout gives {@code WOULD_BLOCK}, a timeout {@code TIMED_OUT}, a cancellable {@code CANCELLED}), and on
 *       the handshake's own thread a blocking call fails as GIO fails it.</li>
 * </ul>
 * When nothing waits, the data path takes the gate's monitor twice and allocates nothing.
 */
public final class DatagramIo {
    private final ObjectHandle<? extends Pointer> handle;
    private final GDatagramBased datagramBased; // the connection, typed for the g_datagram_based_* calls
    private final UnaryOperator<GioException> failure;
    private final DatagramBatch sendBatch = new DatagramBatch(true);
    private final DatagramBatch receiveBatch = new DatagramBatch(false);

    // The gate's state, under this object's monitor.
    private boolean explicitRunning;
    private Thread explicitThread;          // a sync handshake's caller
    private PumpLoop explicitPump;          // an async handshake's pump
    private int ioInside;
    private boolean implicitMayHoldContext;
    private boolean handshakeStarted;       // by an explicit handshake or by I/O (which may run it implicitly)
    private final List<Runnable> afterExplicit = new ArrayList<>();

    /**
     * @param failure what a failed call reports instead of GIO's error (e.g. CLOSED when the socket was closed
     *     under it); called on failures only
     */
    public DatagramIo(ObjectHandle<? extends Pointer> handle, GDatagramBased datagramBased,
                      UnaryOperator<GioException> failure) {
        this.handle = handle;
        this.datagramBased = datagramBased;
        this.failure = failure;
    }

    // ---- datagrams ----------------------------------------------------------------------------------------

    /** Sends the remaining bytes of {@code message}; returns the number of datagrams sent (0 or 1). */
    public int sendOne(ByteBuffer message, Duration timeout) throws GioException {
        return call(sendBatch, Objects.requireNonNull(message, "message"), null, 0, 1, timeout, null);
    }

    /** Receives one datagram into {@code buffer}: its length, or -1 once the peer has closed. */
    public int receiveOne(ByteBuffer buffer, Duration timeout) throws GioException {
        requireRoom(buffer);
        int start = buffer.position();
        int received = call(receiveBatch, buffer, null, 0, 1, timeout, null);
        return received == 0 ? -1 : buffer.position() - start;
    }

    /** {@code length} datagrams sent (or received) in one call; returns how many. */
    public int transfer(boolean send, ByteBuffer[] buffers, int offset, int length, Duration timeout,
                        NativeCancellable cancellable) throws GioException {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        return call(send ? sendBatch : receiveBatch, null, buffers, offset, length, timeout, cancellable);
    }

    /**
     * One call into {@code batch}, for {@code one} datagram or for {@code buffers}: under a lease, past the gate,
     * failures reported as the connection reports them. (Parameters, not a lambda: nothing is allocated.)
     */
    private int call(DatagramBatch batch, ByteBuffer one, ByteBuffer[] buffers, int offset, int length,
                     Duration timeout, NativeCancellable cancellable) throws GioException {
        Duration left = enterIo(timeout, cancellable);
        Throwable thrown = null;
        try {
            return one != null ? batch.transferOne(datagramBased, one, left, cancellable)
                    : batch.transfer(datagramBased, buffers, offset, length, left, cancellable);
        } catch (GioException e) {
            GioException reported = failure.apply(e);
            thrown = reported;
            throw reported;
        } catch (Throwable t) {
            thrown = t;
            throw t;
        } finally {
            leaveIo(timeout, thrown);
        }
    }

    /** What a failed call on this connection reports (see the constructor). */
    public GioException failure(GioException e) {
        return failure.apply(e);
    }

    /**
     * A datagram received into no room would read as -1, "the peer closed", while GIO only dropped its bytes
     * (it truncates silently): refuse that instead.
     */
    public static void requireRoom(ByteBuffer buffer) {
        if (!Objects.requireNonNull(buffer, "buffer").hasRemaining()) {
            throw new IllegalArgumentException("buffer has no room left to receive into");
        }
    }

    /**
     * A lease on {@code handle}; on a closed connection I/O fails as in C after {@code g_dtls_connection_close},
     * with {@code CLOSED} (the native object is already released, so GIO cannot be asked).
     */
    public static <P extends Pointer> P acquireOpen(ObjectHandle<P> handle) throws IOErrorException {
        try {
            return handle.acquire();
        } catch (IllegalStateException closed) {
            throw closed();
        }
    }

    public static IOErrorException closed() {
        return new IOErrorException(IOErrorEnum.CLOSED.code(), "Connection is closed");
    }

    /** Once no call can run any more (the connection's last lease ended). */
    public void free() {
        sendBatch.free();
        receiveBatch.free();
    }

    /** A lease, then the gate (which may wait out an explicit handshake); returns the timeout left for GIO. */
    private Duration enterIo(Duration timeout, NativeCancellable cancellable) throws IOErrorException {
        acquireOpen(handle);
        try {
            synchronized (this) {
                if (!explicitRunning) {
                    ioInside++;
                    handshakeStarted = true;
                    return timeout;
                }
            }
            return awaitExplicitEnd(timeout, cancellable);
        } catch (IOErrorException | RuntimeException e) {
            handle.release();
            throw e;
        }
    }

    /** After I/O left GIO: success or the handshake's TLS error proves an implicit handshake has finished. */
    private void leaveIo(Duration timeout, Throwable thrown) {
        try {
            synchronized (this) {
                ioInside--;
                if (thrown == null || thrown instanceof TlsErrorException) {
                    implicitMayHoldContext = false;
                } else if (timeout != null && timeout.isZero() && thrown instanceof IOErrorException e
                        && e.code() == IOErrorEnum.WOULD_BLOCK) {
                    implicitMayHoldContext = true;
                }
            }
        } finally {
            handle.release();
        }
    }

    // ---- explicit handshakes ------------------------------------------------------------------------------

    /** Before an explicit handshake enters GIO; {@code pump} is null for a sync handshake on this thread. */
    public synchronized void beginExplicit(PumpLoop pump) throws IOErrorException {
        if (explicitRunning) {
            throw pending("A handshake is already in progress on this connection");
        }
        if (ioInside > 0) {
            throw pending("I/O on this connection is in progress, and may be running the handshake implicitly");
        }
        if (implicitMayHoldContext) {
            throw pending("Non-blocking I/O started an implicit handshake; receive or send until it completes first");
        }
        explicitRunning = true;
        handshakeStarted = true;
        explicitThread = pump == null ? Thread.currentThread() : null;
        explicitPump = pump;
    }

    /** Once GIO has reported the explicit handshake (or it never reached GIO). */
    public void endExplicit() {
        List<Runnable> resumes;
        synchronized (this) {
            explicitRunning = false;
            explicitThread = null;
            explicitPump = null;
            notifyAll();
            if (afterExplicit.isEmpty()) {
                return;
            }
            resumes = new ArrayList<>(afterExplicit);
            afterExplicit.clear();
        }
        resumes.forEach(Runnable::run);
    }

    /** No handshake was ever started on the connection, explicitly or by I/O. */
    public synchronized boolean neverHandshaken() {
        return !handshakeStarted;
    }

    /** If an explicit handshake runs, {@code resume} runs once it has ended (and true is returned). */
    public synchronized boolean deferWhileExplicit(Runnable resume) {
        if (!explicitRunning) {
            return false;
        }
        afterExplicit.add(resume);
        return true;
    }

    private Duration awaitExplicitEnd(Duration timeout, NativeCancellable cancellable) throws IOErrorException {
        if (timeout != null && timeout.isZero()) {
            throw new IOErrorException(IOErrorEnum.WOULD_BLOCK.code(), "Operation would block");
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        Subscription wake = cancellable == null ? null : cancellable.onCancel(this::wakeWaiters);
        try {
            synchronized (this) {
                while (explicitRunning) {
                    if (onHandshakeThread()) {
                        // As GIO's claim_op: waiting here would stall the very handshake waited for.
                        throw new IOErrorException(IOErrorEnum.FAILED.code(),
                                "Cannot perform blocking operation during TLS handshake");
                    }
                    if (cancellable != null && cancellable.isCancelled()) {
                        throw new IOErrorException(IOErrorEnum.CANCELLED.code(), "Operation was cancelled");
                    }
                    if (timeout == null) {
                        wait();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new IOErrorException(IOErrorEnum.TIMED_OUT.code(), "Socket I/O timed out");
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                }
                ioInside++;
                handshakeStarted = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOErrorException(IOErrorEnum.CANCELLED.code(), "Interrupted while waiting for the handshake");
        } finally {
            if (wake != null) {
                wake.close();
            }
        }
        // At least 1 µs: GIO reads a zero timeout as "do not block".
        return timeout == null ? null : Duration.ofNanos(Math.max(1_000, deadline - System.nanoTime()));
    }

    /**
     * As GIO's {@code claim_op} for a blocking call: fails with {@code FAILED} on the thread of an explicit
     * handshake in progress (a sync handshake's caller, an async one's pump), where blocking would stall it.
     */
    public synchronized void refuseBlockingHere() throws IOErrorException {
        if (explicitRunning && onHandshakeThread()) {
            throw new IOErrorException(IOErrorEnum.FAILED.code(), "Cannot perform blocking operation during TLS handshake");
        }
    }

    private boolean onHandshakeThread() {
        return Thread.currentThread() == explicitThread
                || (explicitPump != null && explicitPump.ownedByCurrentThread());
    }

    private synchronized void wakeWaiters() {
        notifyAll();
    }

    private static IOErrorException pending(String why) {
        return new IOErrorException(IOErrorEnum.PENDING.code(), why
                + " (glib-networking would abort the process on a handshake started now)");
    }
}
