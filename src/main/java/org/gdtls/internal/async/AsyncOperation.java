package org.gdtls.internal.async;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.GioException;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;
import org.gdtls.internal.gen.GAsyncResult;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.CallbackTarget;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeCancellable;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;

/**
 * One GIO {@code _async}/{@code _finish} call as a {@link CompletableFuture}. Started on the pump's thread;
 * from start to completion it holds a lease on its object and on the cancellable, and the callback registry
 * holds it (and through it the object's wrapper) strongly, so a wrapper dropped by the application stays valid
 * until GIO calls back. Cancelling the future cancels the GCancellable; GIO's {@code G_IO_ERROR_CANCELLED}
 * completes it with a {@link CancellationException}. A future completed by anyone else (the application's
 * {@code orTimeout}, a closing connection) cancels the GIO operation as well.
 */
public final class AsyncOperation<P extends Pointer, T> implements CallbackTarget {
    @FunctionalInterface
    public interface Starter<P> {
        void start(P object, GCancellable cancellable, Pointer callback, Pointer userData);
    }

    @FunctionalInterface
    public interface Finisher<P, T> {
        /** Calls the {@code _finish} function; throws its GError ({@link GErrorSlot#check}). */
        T finish(P object, GAsyncResult result, GErrorSlot error) throws GioException;
    }

    private static final Pointer CALLBACK = new RawPointer(Glue.gdtls_async_ready_callback().address());

    private final PumpLoop pump;
    private final Object owner; // the wrapper: kept reachable while GIO works on its object
    private final ObjectHandle<P> target;
    private final NativeCancellable cancellable;
    private final boolean ownCancellable;
    private final Finisher<P, T> finisher;
    private final Runnable onEnd;
    private final AtomicBoolean released = new AtomicBoolean();
    /** NEW until begin() starts it in GIO (STARTED) or a cancel comes first (SKIPPED): exactly one of them wins. */
    private final AtomicInteger stage = new AtomicInteger(NEW);
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int SKIPPED = 2;
    private P object;
    private final CompletableFuture<T> future = new CompletableFuture<>() {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (stage.compareAndSet(NEW, SKIPPED)) {
                endWithoutGio(); // never reaches GIO: its state is settled before cancel() returns
            } else {
                cancelNative();
            }
            return cancelled;
        }
    };

    private AsyncOperation(PumpLoop pump, Object owner, ObjectHandle<P> target, NativeCancellable cancellable,
                           Finisher<P, T> finisher, Runnable onEnd) {
        this.pump = pump;
        this.owner = owner;
        this.target = target;
        this.ownCancellable = cancellable == null;
        this.cancellable = cancellable == null ? new NativeCancellable() : cancellable;
        this.finisher = finisher;
        this.onEnd = onEnd;
        // Completed by someone else than GIO (orTimeout, complete, a closing connection): GIO must stop too.
        future.whenComplete((value, failure) -> {
            if (stage.get() == STARTED && !released.get()) {
                cancelNative();
            }
        });
    }

    /**
     * Starts {@code starter} on the pump's thread. {@code onEnd} (may be null) runs once the operation is over
     * for GIO: after it reported back, or if it never started (cancelled first, object closed, pump shut down),
     * whatever the outcome (e.g. closeAsync drops the wrapper's reference).
     */
    public static <P extends Pointer, T> CompletableFuture<T> start(PumpLoop pump, Object owner, ObjectHandle<P> target,
            NativeCancellable cancellable, Starter<P> starter, Finisher<P, T> finisher, Runnable onEnd) {
        AsyncOperation<P, T> op = new AsyncOperation<>(pump, owner, target, cancellable, finisher, onEnd);
        pump.execute(() -> op.begin(starter));
        return op.future;
    }

    /**
     * On the pump's thread. Under the pump's lifecycle lock, so a shutdown sees the operation either not
     * started (then it never starts) or started and tracked (then the shutdown completes it).
     */
    private void begin(Starter<P> starter) {
        if (!pump.startIfRunning(() -> beginRunning(starter)) && stage.compareAndSet(NEW, SKIPPED)) {
            // run by the pump's last drain: nobody would iterate the context to complete it
            endWithoutGio();
            future.completeExceptionally(new IllegalStateException("pump shut down before the operation started"));
        }
    }

    private void beginRunning(Starter<P> starter) {
        if (future.isDone() || !stage.compareAndSet(NEW, STARTED)) {
            if (stage.compareAndSet(NEW, SKIPPED)) {
                endWithoutGio(); // completed (e.g. by a pump shutdown) before it started
            }
            return;
        }
        GCancellable c;
        try {
            object = target.acquire();
        } catch (IllegalStateException closed) {
            endWithoutGio();
            future.completeExceptionally(new IOErrorException(IOErrorEnum.CLOSED.code(), "Connection is closed"));
            return;
        }
        try {
            c = NativeCancellable.acquire(cancellable);
        } catch (IllegalStateException closed) {
            target.release();
            endWithoutGio();
            future.completeExceptionally(new IllegalStateException("the Cancellable is closed"));
            return;
        }
        long handle = CallbackDispatcher.register(this);
        pump.track(this);
        starter.start(object, c, CALLBACK, new RawPointer(handle));
    }

    /** The GAsyncReadyCallback, on the pump's thread. One-shot: the registry entry goes with it. */
    @Override
    public long invoke(long handle, int kind, long source, long result, long unused) {
        CallbackDispatcher.unregister(handle);
        if (kind != CallbackDispatcher.ASYNC_READY || released.get()) {
            return 0; // abandoned by a pump shutdown: nothing of ours may be touched any more
        }
        T value = null;
        Throwable failure = null;
        try {
            value = finisher.finish(object, new GAsyncResult(new RawPointer(result)), GErrorSlot.ofThread());
        } catch (Throwable t) {
            failure = t;
        }
        // Settle the object first, so whoever the future wakes sees it final (closed, handshake flag cleared).
        runOnEnd();
        releaseNative();
        if (failure == null) {
            future.complete(value);
        } else if (failure instanceof IOErrorException e && e.code() == IOErrorEnum.CANCELLED) {
            CancellationException cancelled = new CancellationException(e.getMessage());
            cancelled.initCause(e);
            future.completeExceptionally(cancelled);
        } else {
            future.completeExceptionally(failure);
        }
        return 0;
    }

    private void endWithoutGio() {
        closeOwnCancellable();
        runOnEnd();
    }

    private void runOnEnd() {
        if (onEnd != null) {
            try {
                onEnd.run();
            } catch (Throwable t) {
                CallbackErrors.report("completion of " + owner, t);
            }
        }
    }

    /** g_cancellable_cancel on this operation's cancellable (GIO reports CANCELLED within about a second). */
    void cancelNative() {
        try {
            cancellable.cancel();
        } catch (IllegalStateException closed) {
            // the operation is over and its own cancellable already closed
        }
    }

    /** At pump shutdown: completes the future; if no one will ever iterate the context, lets go of the object. */
    void abandon(Throwable reason) {
        if (!pump.isAttached() && !released.get()) {
            runOnEnd();
            releaseNative();
        }
        future.completeExceptionally(reason);
    }

    private void releaseNative() {
        if (released.compareAndSet(false, true)) {
            NativeCancellable.release(cancellable);
            target.release();
            pump.untrack(this);
            closeOwnCancellable();
        }
    }

    private void closeOwnCancellable() {
        if (ownCancellable) {
            cancellable.close();
        }
    }
}
