package org.gdtls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The call orders glib-networking cannot survive on one connection, made impossible instead of fatal.
 *
 * <p>glib-networking (2.74 to 2.90, {@code tls/base/gtlsconnection-base.c}) aborts the process with
 * {@code g_assert (!priv->handshake_context)} when a handshake starts while another one holds the connection's
 * handshake context: an explicit handshake during another explicit one; an explicit one during an implicit one
 * (I/O before any handshake runs it); and I/O that starts an implicit handshake after an explicit async one set
 * its context but before its worker thread claimed the connection. An implicit handshake started by
 * non-blocking I/O keeps that context until a later I/O call finishes it. So the binding:
 * <ul>
 *   <li>runs one explicit handshake at a time, and refuses one with {@code PENDING} while I/O is inside GIO or
 *       while non-blocking I/O may have left an implicit handshake unfinished (until I/O succeeds or reports the
 *       handshake's TLS error);</li>
 *   <li>lets no I/O into GIO while an explicit handshake runs: it waits as GIO's own {@code claim_op} would
 *       (a zero timeout gives {@code WOULD_BLOCK}, a timeout {@code TIMED_OUT}, a cancellable
 *       {@code CANCELLED}), and on the handshake's own thread a blocking call fails as GIO fails it.</li>
 * </ul>
 * Every method is cheap when nothing waits: the data path takes the monitor twice and allocates nothing.
 */
final class HandshakeGate {
    private boolean explicitRunning;
    private Thread explicitThread;          // a sync handshake's caller
    private MainContextPump explicitPump;   // an async handshake's pump
    private int ioInside;
    private boolean implicitMayHoldContext;
    private boolean handshakeStarted;       // by an explicit handshake or by I/O (which may run it implicitly)
    private final List<Runnable> afterExplicit = new ArrayList<>();

    /** Before an explicit handshake enters GIO; {@code pump} is null for a sync handshake on this thread. */
    synchronized void beginExplicit(MainContextPump pump) throws IOErrorException {
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
    void endExplicit() {
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
    synchronized boolean neverHandshaken() {
        return !handshakeStarted;
    }

    /** If an explicit handshake runs, {@code resume} runs once it has ended (and true is returned). */
    synchronized boolean deferWhileExplicit(Runnable resume) {
        if (!explicitRunning) {
            return false;
        }
        afterExplicit.add(resume);
        return true;
    }

    /**
     * Before I/O enters GIO: waits out an explicit handshake within {@code timeout} (null: as long as it takes).
     * Returns the timeout left for the I/O itself. Every successful call must be paired with {@link #leaveIo}.
     */
    Duration enterIo(Duration timeout, Cancellable cancellable) throws IOErrorException {
        synchronized (this) {
            if (!explicitRunning) {
                ioInside++;
                handshakeStarted = true;
                return timeout;
            }
        }
        return awaitExplicitEnd(timeout, cancellable);
    }

    /** After I/O left GIO: success or the handshake's TLS error proves an implicit handshake has finished. */
    synchronized void leaveIo(Duration timeout, Throwable failure) {
        ioInside--;
        if (failure == null || failure instanceof TlsErrorException) {
            implicitMayHoldContext = false;
        } else if (timeout != null && timeout.isZero() && failure instanceof IOErrorException e
                && e.code() == IOErrorEnum.WOULD_BLOCK) {
            implicitMayHoldContext = true;
        }
    }

    private Duration awaitExplicitEnd(Duration timeout, Cancellable cancellable) throws IOErrorException {
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
