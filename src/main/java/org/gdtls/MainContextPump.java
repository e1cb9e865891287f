package org.gdtls;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gdtls.internal.async.PumpLoop;
import org.gdtls.internal.gen.GMainContext;
import org.gdtls.internal.gen.global.Gio;
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
    private static final Object DEFAULT_LOCK = new Object();
    private static MainContextPump defaultPump;

    final PumpLoop loop;

    private MainContextPump(GMainContext context, String threadName) {
        this.loop = new PumpLoop(this, context, threadName);
    }

    /** The pump async calls use when given none: started on first use, named {@code gdtls-pump}. */
    public static MainContextPump defaultPump() {
        synchronized (DEFAULT_LOCK) {
            if (defaultPump == null || !defaultPump.isRunning()) {
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
        return loop.contextAddress();
    }

    /** Whether this pump uses a context the application iterates ({@link #attach}). */
    public boolean isAttached() {
        return loop.isAttached();
    }

    /** Whether the calling thread is the pump's own thread (always false when attached). */
    public boolean isPumpThread() {
        return loop.isPumpThread();
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    /**
     * {@code g_main_context_invoke}: runs {@code task} on the context's thread, with the context pushed as
     * thread-default (so GIO async calls started there report back to it); at once if called on that thread.
     * An exception from {@code task} is reported ({@link Gdtls#setCallbackExceptionHandler}), never thrown into C.
     */
    @Wraps("g_main_context_invoke_full")
    public void execute(Runnable task) {
        loop.execute(Objects.requireNonNull(task, "task"));
    }

    /** Operations started through this pump that have not completed. */
    public int pendingOperations() {
        return loop.pendingOperations();
    }

    /**
     * Shuts the pump down: cancels every pending operation, lets GIO report them (up to {@code grace}), then
     * completes the futures still pending exceptionally, stops the thread and drops the context. Idempotent.
     * An attached pump only stops accepting work (the application's loop keeps the context).
     */
    public void shutdown(long grace, TimeUnit unit) {
        loop.shutdown(grace, unit);
    }

    /** {@link #shutdown} with a 2 s grace period. */
    @Override
    public void close() {
        shutdown(2, TimeUnit.SECONDS);
    }

    /** What internal code takes for a pump argument. */
    static PumpLoop loop(MainContextPump pump) {
        return Objects.requireNonNull(pump, "pump").loop;
    }

    @Override
    public String toString() {
        return "MainContextPump[" + loop.threadName() + (loop.isRunning() ? "" : ", shut down") + "]";
    }
}
