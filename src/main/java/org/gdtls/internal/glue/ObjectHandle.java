package org.gdtls.internal.glue;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.global.Gio;

/**
 * Owns exactly one strong GObject reference for a Java wrapper. Native calls run under a lease
 * ({@link #acquire()}/{@link #release()}); {@link #close()} is idempotent and the reference is dropped once the last
 * lease ends, so no native call ever sees a freed object. A {@link Cleaner} drops it if the wrapper is collected
 * without being closed.
 */
public final class ObjectHandle<P extends Pointer> {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "gdtls-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final long CLOSED = 1L << 62;

    private final Object owner;
    private final P pointer;
    private final String what;
    private final AtomicLong state = new AtomicLong(); // CLOSED bit | number of leases
    private final Cleaner.Cleanable unref;
    private volatile Runnable beforeUnref;

    /** Takes over one reference the caller owns (a transfer-full return, or one it took with g_object_ref). */
    public ObjectHandle(Object owner, P pointer, String what) {
        this(owner, pointer, what, null);
    }

    /**
     * Also runs {@code onDrop} just before the reference is dropped, by close() or by the Cleaner; it must not
     * reach the owner (e.g. it removes the address from a lookup table).
     */
    public ObjectHandle(Object owner, P pointer, String what, Runnable onDrop) {
        if (pointer == null || pointer.isNull()) {
            throw new IllegalArgumentException(what + ": NULL object");
        }
        this.owner = owner;
        this.pointer = pointer;
        this.what = what;
        this.unref = CLEANER.register(owner, new Unref(pointer.address(), onDrop));
    }

    /** Starts a native call: returns the pointer, or throws if closed. Pair with {@link #release()} in finally. */
    public P acquire() {
        for (;;) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException(what + " is closed");
            }
            if (state.compareAndSet(s, s + 1)) {
                return pointer;
            }
        }
    }

    /** A body that runs under a lease: the native pointer in, maybe a result out. */
    @FunctionalInterface
    public interface Leased<P, R, E extends Exception> {
        R apply(P pointer) throws E;
    }

    /** A body that runs under a lease and returns nothing. */
    @FunctionalInterface
    public interface LeasedVoid<P, E extends Exception> {
        void accept(P pointer) throws E;
    }

    /** {@code body} under a lease, for the cold path (getters, setters): the lambda may allocate. */
    public <R, E extends Exception> R call(Leased<? super P, R, E> body) throws E {
        P p = acquire();
        try {
            return body.apply(p);
        } finally {
            release();
        }
    }

    /** {@link #call} for a body without a result. */
    public <E extends Exception> void run(LeasedVoid<? super P, E> body) throws E {
        P p = acquire();
        try {
            body.accept(p);
        } finally {
            release();
        }
    }

    public void release() {
        long s = state.decrementAndGet();
        if (s == CLOSED) {
            dropReference();
        }
        // The owner must stay reachable until the native call is over, or the Cleaner could run during it.
        Reference.reachabilityFence(owner);
    }

    /** Runs once, just before the reference is dropped by close() (not by the Cleaner): e.g. disconnect handlers. */
    public void setBeforeUnref(Runnable action) {
        this.beforeUnref = action;
    }

    /** Idempotent. Returns true the first time. */
    public boolean close() {
        for (;;) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    dropReference();
                }
                return true;
            }
        }
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** The raw address, for identity and diagnostics only (never dereference without a lease). */
    public long address() {
        return pointer.address();
    }

    private void dropReference() {
        Runnable action = beforeUnref;
        if (action != null) {
            try {
                action.run();
            } catch (Throwable t) {
                CallbackErrors.report("close of " + what, t);
            }
        }
        unref.clean();
    }

    /** Must not reach the owner, or the owner could never become unreachable. */
    private static final class Unref implements Runnable {
        private final long address;
        private final Runnable onDrop;

        Unref(long address, Runnable onDrop) {
            this.address = address;
            this.onDrop = onDrop;
        }

        @Override
        public void run() {
            if (onDrop != null) {
                onDrop.run(); // before the unref: until then the address cannot be reused by another object
            }
            Gio.g_object_unref(new RawPointer(address));
        }
    }
}
