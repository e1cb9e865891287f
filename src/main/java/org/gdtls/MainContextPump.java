package org.gdtls;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.gdtls.internal.gen.GMainContext;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.RawPointer;

/**
 * A {@code GMainContext} that GIO's asynchronous operations report to, so they become
 * {@link java.util.concurrent.CompletableFuture}s without the application writing a main loop.
 *
 * <p>{@link #start(String)} creates a context and a daemon thread that owns and iterates it (the JVM's exit is
 * never blocked by it). {@link #attach(long)} uses a context the application already iterates (a GNOME app's
 * main loop): then no thread is started and everything runs on the application's loop thread.
 *
 * <p>Async operations are started <em>on</em> the context's thread ({@code g_main_context_invoke}), because GIO
 * captures the thread-default context when an operation starts. Signals emitted during an async handshake
 * ({@code accept-certificate}, {@code notify}) and future completions run on that thread too.
 * <strong>Never block on it</strong>: a blocking GIO call there fails ("Cannot perform blocking operation
 * during TLS handshake") and every other operation of the pump waits. Hand work off with
 * {@code thenApplyAsync(..., executor)}.
 *
 * <p>Close the connections that use a pump before the pump, and give GIO a moment: an operation's GTask
 * completes on the pump's context only after GIO's worker thread has returned (for an implicit handshake, that
 * can be after the I/O it made possible). {@link #shutdown} runs what is already due, but a task that completes
 * after the pump stopped keeps its connection, and the context, alive for the rest of the process.
 */
public final class MainContextPump implements AutoCloseable {
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final int MAX_DRAIN_ITERATIONS = 100;
    private static final Object DEFAULT_LOCK = new Object();
    private static MainContextPump defaultPump;

    private final GMainContext context;      // one reference owned by this pump
    private final Thread thread;             // null when attached to an application's context
    private final Set<AsyncOperation<?, ?>> pending = ConcurrentHashMap.newKeySet();
    /** Futures of operations that wait on this pump without a GIO async call (receiveAsync, sendAsync). */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    /** Datagram sources on this pump's context: its thread ends them when it stops, or they would keep their object. */
    private final Set<DatagramWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    /** Orders execute() against shutdown: no invoke may reach the context after its last reference is dropped. */
    private final Object lifecycle = new Object();

    private MainContextPump(GMainContext context, String threadName) {
        this.context = context;
        if (threadName == null) {
            this.thread = null;
            return;
        }
        this.thread = new Thread(this::iterate, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The pump async calls use when given none: started on first use, named {@code gdtls-pump}. */
    public static MainContextPump defaultPump() {
        synchronized (DEFAULT_LOCK) {
            if (defaultPump == null || !defaultPump.running) {
                defaultPump = start("gdtls-pump");
            }
            return defaultPump;
        }
    }

    /** {@code g_main_context_new} and a daemon thread that owns and iterates it. */
    @Wraps({"g_main_context_new", "g_main_context_iteration", "g_main_context_push_thread_default"})
    public static MainContextPump start(String threadName) {
        Objects.requireNonNull(threadName, "threadName");
        NativeLibrary.ensureLoaded();
        return new MainContextPump(Gio.g_main_context_new(), threadName + "-" + THREAD_NUMBER.incrementAndGet());
    }

    /**
     * Uses a {@code GMainContext*} the application iterates itself (0 for the global default context, as a
     * GNOME application's main loop uses). No thread is started; callbacks arrive on the application's loop
     * thread, and nothing completes while the application does not iterate the context.
     */
    @Wraps({"g_main_context_ref", "g_main_context_default"})
    public static MainContextPump attach(long gMainContextAddress) {
        NativeLibrary.ensureLoaded();
        GMainContext ctx = gMainContextAddress == 0 ? Gio.g_main_context_default()
                : new GMainContext(new RawPointer(gMainContextAddress));
        return new MainContextPump(Gio.g_main_context_ref(ctx), null);
    }

    /** The {@code GMainContext*} this pump dispatches on, e.g. to iterate it from the application. */
    public long contextAddress() {
        return context.address();
    }

    /** Whether this pump uses a context the application iterates ({@link #attach}). */
    public boolean isAttached() {
        return thread == null;
    }

    /**
     * Whether the calling thread owns the pump's context: its own thread, or for an attached pump the thread
     * iterating the application's context right now ({@code g_main_context_is_owner}).
     */
    boolean ownedByCurrentThread() {
        return isPumpThread() || (isAttached() && running && Gio.g_main_context_is_owner(context) != 0);
    }

    /** Whether the calling thread is the pump's own thread (always false when attached). */
    public boolean isPumpThread() {
        return Thread.currentThread() == thread;
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * {@code g_main_context_invoke}: runs {@code task} on the context's thread, with the context pushed as
     * thread-default (so GIO async calls started there report back to it); at once if called on that thread.
     * An exception from {@code task} is reported ({@link Gdtls#setCallbackExceptionHandler}), never thrown into C.
     */
    @Wraps("g_main_context_invoke_full")
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        long handle = CallbackDispatcher.register((h, kind, a0, a1, a2) -> {
            if (kind == CallbackDispatcher.INVOKE) {
                try {
                    task.run();
                } catch (Throwable t) {
                    CallbackErrors.report("task on " + this, t);
                }
            }
            return 0;
        });
        synchronized (lifecycle) {
            if (!running) {
                CallbackDispatcher.unregister(handle);
                throw new IllegalStateException("pump is shut down");
            }
            Gio.gdtls_context_invoke(context, Gio.G_PRIORITY_DEFAULT, handle);
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
    void trackWaiting(CompletableFuture<?> future) {
        waiting.add(future);
        future.whenComplete((value, failure) -> waiting.remove(future));
    }

    void trackWatch(DatagramWatch watch) {
        watches.add(watch);
    }

    void untrackWatch(DatagramWatch watch) {
        watches.remove(watch);
    }

    /** Operations started through this pump that have not completed. */
    public int pendingOperations() {
        return pending.size() + waiting.size();
    }

    /**
     * Shuts the pump down: cancels every pending operation, lets GIO report them (up to {@code grace}), then
     * completes the futures still pending exceptionally, stops the thread and drops the context. Idempotent.
     * An attached pump only stops accepting work (the application's loop keeps the context).
     */
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
        for (CompletableFuture<?> future : waiting) {
            future.completeExceptionally(new IllegalStateException("pump shut down before the operation completed"));
        }
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

    /** {@link #shutdown} with a 2 s grace period. */
    @Override
    public void close() {
        shutdown(2, TimeUnit.SECONDS);
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

    @Override
    public String toString() {
        return "MainContextPump[" + (thread != null ? thread.getName() : "attached") + (running ? "" : ", shut down") + "]";
    }
}
