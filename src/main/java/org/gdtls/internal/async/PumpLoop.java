package org.gdtls.internal.async;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.gdtls.internal.gen.GMainContext;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;

/**
 * The machinery behind a public {@code MainContextPump}: the {@code GMainContext} (one reference), the thread
 * iterating it (none when attached to the application's context), and everything that waits on it (async
 * operations, datagram watches, futures), so that a shutdown ends each of them.
 */
public final class PumpLoop {
    private static final int MAX_DRAIN_ITERATIONS = 100;

    private final Object facade; // the public pump: named in reports, kept reachable by whoever holds this
    private final GMainContext context;      // one reference owned by this pump
    private final Thread thread;             // null when attached to an application's context
    private final Set<AsyncOperation<?, ?>> pending = ConcurrentHashMap.newKeySet();
    /** Futures of operations that wait on this pump without a GIO async call (receiveAsync, sendAsync). */
    private final PendingFutures waiting = new PendingFutures();
    /** Datagram sources on this pump's context: its thread ends them when it stops, or they would keep their object. */
    private final Set<DatagramWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    /** Orders execute() against shutdown: no invoke may reach the context after its last reference is dropped. */
    private final Object lifecycle = new Object();

    /** Takes over one reference on {@code context}; starts a daemon thread iterating it unless {@code threadName} is null. */
    public PumpLoop(Object facade, GMainContext context, String threadName) {
        this.facade = facade;
        this.context = context;
        if (threadName == null) {
            this.thread = null;
            return;
        }
        this.thread = new Thread(this::iterate, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public long contextAddress() {
        return context.address();
    }

    public boolean isAttached() {
        return thread == null;
    }

    /**
     * Whether the calling thread owns the pump's context: its own thread, or for an attached pump the thread
     * iterating the application's context right now ({@code g_main_context_is_owner}).
     */
    public boolean ownedByCurrentThread() {
        return isPumpThread() || (isAttached() && running && Gio.g_main_context_is_owner(context) != 0);
    }

    public boolean isPumpThread() {
        return Thread.currentThread() == thread;
    }

    public boolean isRunning() {
        return running;
    }

    /** {@code g_main_context_invoke}; an exception from {@code task} is reported, never thrown into C. */
    public void execute(Runnable task) {
        long handle = CallbackDispatcher.register((h, kind, a0, a1, a2) -> {
            if (kind == CallbackDispatcher.INVOKE) {
                try {
                    task.run();
                } catch (Throwable t) {
                    CallbackErrors.report("task on " + facade, t);
                }
            }
            return 0;
        });
        synchronized (lifecycle) {
            if (!running) {
                CallbackDispatcher.unregister(handle);
                throw new IllegalStateException("pump is shut down");
            }
            Glue.gdtls_context_invoke(context, Gio.G_PRIORITY_DEFAULT, handle);
        }
    }

    /** {@code task} on the pump's thread; if the pump is shut down, {@code future} fails instead. */
    public void execute(CompletableFuture<?> future, Runnable task) {
        try {
            execute(task);
        } catch (IllegalStateException shutDown) {
            future.completeExceptionally(shutDown);
        }
    }

    /**
     * Runs {@code start} (quick, non-blocking: it starts a GIO async call) unless the pump is shut down, atomically
     * with respect to {@link #shutdown}; false if it did not run.
     */
    boolean startIfRunning(Runnable start) {
        synchronized (lifecycle) {
            if (!running || shuttingDown.get()) {
                return false;
            }
            start.run();
            return true;
        }
    }

    void track(AsyncOperation<?, ?> operation) {
        pending.add(operation);
    }

    void untrack(AsyncOperation<?, ?> operation) {
        pending.remove(operation);
    }

    /** Tracks {@code future} until it completes; a shutdown fails it if it is still pending then. */
    public void trackWaiting(CompletableFuture<?> future) {
        waiting.track(future);
    }

    void trackWatch(DatagramWatch watch) {
        watches.add(watch);
    }

    void untrackWatch(DatagramWatch watch) {
        watches.remove(watch);
    }

    public int pendingOperations() {
        return pending.size() + waiting.size();
    }

    /** See {@code MainContextPump.shutdown}. */
    public void shutdown(long grace, TimeUnit unit) {
        synchronized (lifecycle) { // from now on no operation starts in GIO: each one started is in pending
            if (!shuttingDown.compareAndSet(false, true)) {
                return;
            }
        }
        for (AsyncOperation<?, ?> op : pending) {
            op.cancelNative();
        }
        long deadline = System.nanoTime() + unit.toNanos(grace);
        // Waiting on the pump's own thread would stop it from dispatching the very completions waited for.
        while (!pending.isEmpty() && System.nanoTime() < deadline && !isPumpThread()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // An extra reference, so the wakeup below never races the pump thread dropping the context on exit.
        Gio.g_main_context_ref(context);
        synchronized (lifecycle) {
            running = false;
        }
        for (AsyncOperation<?, ?> op : pending) {
            op.abandon(new IllegalStateException("pump shut down before the operation completed"));
        }
        waiting.failAll(() -> new IllegalStateException("pump shut down before the operation completed"));
        if (thread != null) {
            Gio.g_main_context_wakeup(context);
            if (!isPumpThread()) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } else {
            Gio.g_main_context_unref(context); // an attached pump's own reference
        }
        Gio.g_main_context_unref(context);
    }

    private void iterate() {
        Gio.g_main_context_push_thread_default(context); // acquires the context for this thread's whole life
        try {
            while (running) {
                Gio.g_main_context_iteration(context, 1);
            }
            drainReadyDispatches();
            for (DatagramWatch watch : watches) {
                watch.endOnPumpThread(); // destroys the source, drops its object reference
            }
        } catch (Throwable t) {
            CallbackErrors.report("pump " + Thread.currentThread().getName(), t);
        } finally {
            Gio.g_main_context_pop_thread_default(context);
            Gio.g_main_context_unref(context);
        }
    }

    /**
     * Runs what is already due before the context is dropped, as glib-networking's tests do ("clear pending
     * dispatches"): a GTask's completion that never runs keeps its source object (e.g. a connection after an
     * implicit handshake) and the context itself alive for ever, since the task holds the context. Bounded,
     * because a source that is always ready (a watch on a writable socket) would never let this end.
     */
    private void drainReadyDispatches() {
        for (int i = 0; i < MAX_DRAIN_ITERATIONS && Gio.g_main_context_iteration(context, 0) != 0; i++) {
            // each iteration dispatched something
        }
    }

    public String threadName() {
        return thread != null ? thread.getName() : "attached";
    }
}
