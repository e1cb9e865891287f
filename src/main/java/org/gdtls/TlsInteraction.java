package org.gdtls;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.async.AsyncOperation;
import org.gdtls.internal.async.PumpLoop;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.GTlsConnection;
import org.gdtls.internal.gen.GTlsInteraction;
import org.gdtls.internal.gen.GTlsPassword;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;
import org.gdtls.internal.glue.WeakTarget;

/**
 * A {@code GTlsInteraction} implemented in Java: the backend asks it for a PKCS#11 PIN ({@link #askPassword}) or,
 * on a client whose server wants a certificate and has none set, for a client certificate
 * ({@link #requestCertificate}). Override either; the defaults leave the request unhandled, as GIO's own
 * GTlsInteraction does. Set it with {@link DtlsConnection#setInteraction}.
 *
 * <p>Threads: GIO runs these methods in the thread-default main context of the thread that created the
 * interaction, or, if no thread iterates it, on the calling thread, which may be a GLib worker thread (it is
 * attached to the JVM as a daemon). An exception thrown here never reaches GIO: a {@link GioException} makes
 * the request fail with that error; anything else is reported and leaves it unhandled. Such a method holds the
 * backend's handshake thread until it returns; to answer later (a dialog), extend {@link AsyncTlsInteraction}.
 *
 * <p>The public methods call the interaction the way GIO's own callers do: {@link #invokeAskPassword} and
 * {@link #invokeRequestCertificate} (what a backend calls: either flavour works), {@link #askPassword(TlsPassword,
 * Cancellable)} and {@link #requestCertificate(DtlsConnection, Cancellable)} (the synchronous methods only), and
 * {@link #askPasswordAsync(TlsPassword, Cancellable)} and {@link #requestCertificateAsync(DtlsConnection,
 * Cancellable)} (the asynchronous ones only). GIO never falls back from one kind to the other: a synchronous
 * interaction asked asynchronously, or the other way round, answers {@link TlsInteractionResult#UNHANDLED}.
 */
public abstract class TlsInteraction implements AutoCloseable {
    /** How long the constructor of an {@link AsyncTlsInteraction} waits for its pump's thread. */
    private static final long PUMP_WAIT_SECONDS = 10;

    final ObjectHandle<GTlsInteraction> handle;

    protected TlsInteraction() {
        NativeLibrary.ensureLoaded();
        // The registry reaches this object weakly: a connection keeps it alive through DtlsConnection#setInteraction.
        long registryHandle = CallbackDispatcher.register(new WeakTarget<>(this, TlsInteraction::dispatch));
        this.handle = new ObjectHandle<>(this, Glue.gdtls_interaction_new(registryHandle), "TlsInteraction");
    }

    /**
     * The asynchronous flavour ({@code GdtlsAsyncInteraction} of the glue), created on {@code pump}'s thread:
     * GIO captures the thread-default context at creation and runs the interaction there, so the pump's context
     * is the one GIO dispatches requests to and GTask answers report to. Waits up to 10 s for the pump.
     */
    TlsInteraction(MainContextPump pump) {
        NativeLibrary.ensureLoaded();
        PumpLoop loop = MainContextPump.loop(pump);
        long registryHandle = CallbackDispatcher.register(new WeakTarget<>(this, TlsInteraction::dispatch));
        CompletableFuture<GTlsInteraction> created = new CompletableFuture<>();
        // gdtls_context_invoke pushes the context as thread-default around the task (at once on the pump's thread).
        loop.execute(created, () -> {
            GTlsInteraction made = Glue.gdtls_async_interaction_new(registryHandle);
            if (!created.complete(made)) {
                Gio.g_object_unref(made); // the constructor gave up waiting
            }
        });
        GTlsInteraction made;
        try {
            made = created.get(PUMP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            created.cancel(false);
            CallbackDispatcher.unregister(registryHandle);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the pump did not create the interaction: " + pump, e);
        }
        this.handle = new ObjectHandle<>(this, made, "TlsInteraction");
    }

    /**
     * {@code GTlsInteractionClass.ask_password}: fill in {@code password} ({@link TlsPassword#setValue}) and
     * return {@link TlsInteractionResult#HANDLED}. {@link TlsPassword#flags()} and {@link TlsPassword#warning()}
     * say whether this is a retry.
     */
    @Wraps("GTlsInteractionClass.ask_password")
    protected TlsInteractionResult askPassword(TlsPassword password) throws GioException {
        return TlsInteractionResult.UNHANDLED;
    }

    /**
     * {@code GTlsInteractionClass.request_certificate}: the certificate (with private key) to present on
     * {@code connection}, or null to leave it unhandled. The binding sets it on the connection.
     */
    @Wraps("GTlsInteractionClass.request_certificate")
    protected TlsCertificate requestCertificate(DtlsConnection connection) throws GioException {
        return null;
    }

    /**
     * {@code g_tls_interaction_invoke_ask_password}: runs {@link #askPassword} the way a backend does (in the
     * interaction's main context), e.g. to test an interaction without a token.
     */
    @Wraps("g_tls_interaction_invoke_ask_password")
    public TlsInteractionResult invokeAskPassword(TlsPassword password, Cancellable cancellable) throws GioException {
        return onPassword(password, cancellable, Gio::g_tls_interaction_invoke_ask_password);
    }

    /**
     * {@code g_tls_interaction_invoke_request_certificate}: runs the interaction's certificate request the way a
     * backend does (in the interaction's main context, waiting for an asynchronous answer), for {@code connection}.
     * HANDLED means the certificate was set on the connection.
     */
    @Wraps("g_tls_interaction_invoke_request_certificate")
    public TlsInteractionResult invokeRequestCertificate(DtlsConnection connection, Cancellable cancellable)
            throws GioException {
        return onConnection(connection, cancellable, Gio::g_tls_interaction_invoke_request_certificate);
    }

    /**
     * {@code g_tls_interaction_ask_password}: the synchronous {@link #askPassword(TlsPassword)} on the calling
     * thread, as GIO calls it (UNHANDLED for an {@link AsyncTlsInteraction}: GIO does not call the asynchronous
     * method here).
     */
    @Wraps("g_tls_interaction_ask_password")
    public TlsInteractionResult askPassword(TlsPassword password, Cancellable cancellable) throws GioException {
        return onPassword(password, cancellable, Gio::g_tls_interaction_ask_password);
    }

    /**
     * {@code g_tls_interaction_request_certificate}: the synchronous {@link #requestCertificate(DtlsConnection)}
     * on the calling thread, as GIO calls it (UNHANDLED for an {@link AsyncTlsInteraction}).
     */
    @Wraps("g_tls_interaction_request_certificate")
    public TlsInteractionResult requestCertificate(DtlsConnection connection, Cancellable cancellable)
            throws GioException {
        return onConnection(connection, cancellable, Gio::g_tls_interaction_request_certificate);
    }

    @FunctionalInterface
    private interface OnTlsConnection<R> {
        R call(GTlsConnection connection) throws GioException;
    }

    /** The connection as the {@code GTlsConnection} GTlsInteraction's functions take, under its lease. */
    private static <R> R asTlsConnection(DtlsConnection connection, OnTlsConnection<R> body) throws GioException {
        return connection.handle.call(conn -> body.call(new GTlsConnection(new RawPointer(conn.address()))));
    }

    @FunctionalInterface
    private interface ConnectionCall {
        int call(GTlsInteraction self, GTlsConnection connection, int flags, GCancellable cancellable,
                 PointerPointer<?> error);
    }

    private TlsInteractionResult onConnection(DtlsConnection connection, Cancellable cancellable, ConnectionCall call)
            throws GioException {
        Objects.requireNonNull(connection, "connection");
        return handle.call(self -> asTlsConnection(connection, conn -> result(cancellable,
                (c, error) -> call.call(self, conn, 0, c, error))));
    }

    @FunctionalInterface
    private interface PasswordCall {
        int call(GTlsInteraction self, GTlsPassword password, GCancellable cancellable, PointerPointer<?> error);
    }

    private TlsInteractionResult onPassword(TlsPassword password, Cancellable cancellable, PasswordCall call)
            throws GioException {
        Objects.requireNonNull(password, "password");
        return handle.call(self -> password.handle.call(p -> result(cancellable,
                (c, error) -> call.call(self, p, c, error))));
    }

    @FunctionalInterface
    private interface InteractionCall {
        int call(GCancellable cancellable, PointerPointer<GError> error);
    }

    /** Runs a {@code g_tls_interaction_*} call with the cancellable leased: its result, or its GError thrown. */
    private static TlsInteractionResult result(Cancellable cancellable, InteractionCall call) throws GioException {
        GCancellable c = Cancellable.acquire(cancellable);
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            int result = call.call(c, error.out());
            error.check();
            return TlsInteractionResult.fromCode(result);
        } finally {
            Cancellable.release(cancellable);
        }
    }

    /** {@link #askPasswordAsync(TlsPassword, MainContextPump, Cancellable)} on the default pump. */
    @Wraps({"g_tls_interaction_ask_password_async", "g_tls_interaction_ask_password_finish"})
    public CompletableFuture<TlsInteractionResult> askPasswordAsync(TlsPassword password, Cancellable cancellable) {
        return askPasswordAsync(password, MainContextPump.defaultPump(), cancellable);
    }

    /**
     * {@code g_tls_interaction_ask_password_async} and {@code _finish}, started on {@code pump}'s thread: an
     * {@link AsyncTlsInteraction}'s {@link AsyncTlsInteraction#askPasswordAsync(TlsPassword)} (UNHANDLED for a
     * synchronous interaction). A failure completes the future with its {@link GioException}, a cancellation
     * ({@code G_IO_ERROR_CANCELLED}) with a {@link java.util.concurrent.CancellationException}; cancelling the
     * future cancels the request.
     */
    @Wraps({"g_tls_interaction_ask_password_async", "g_tls_interaction_ask_password_finish"})
    public CompletableFuture<TlsInteractionResult> askPasswordAsync(TlsPassword password, MainContextPump pump,
                                                                    Cancellable cancellable) {
        Objects.requireNonNull(password, "password");
        TlsPassword held = password.handle.call(TlsPassword::borrow); // the operation's own reference
        return AsyncOperation.start(MainContextPump.loop(pump), this, handle, Cancellable.core(cancellable),
                (self, c, callback, data) -> held.handle.run(
                        p -> Gio.g_tls_interaction_ask_password_async(self, p, c, callback, data)),
                (self, result, error) -> {
                    int code = Gio.g_tls_interaction_ask_password_finish(self, result, error.out());
                    error.check();
                    return TlsInteractionResult.fromCode(code);
                }, held::close);
    }

    /** {@link #requestCertificateAsync(DtlsConnection, MainContextPump, Cancellable)} on the default pump. */
    @Wraps({"g_tls_interaction_request_certificate_async", "g_tls_interaction_request_certificate_finish"})
    public CompletableFuture<TlsInteractionResult> requestCertificateAsync(DtlsConnection connection,
                                                                          Cancellable cancellable) {
        return requestCertificateAsync(connection, MainContextPump.defaultPump(), cancellable);
    }

    /**
     * {@code g_tls_interaction_request_certificate_async} and {@code _finish}, started on {@code pump}'s thread:
     * an {@link AsyncTlsInteraction}'s {@link AsyncTlsInteraction#requestCertificateAsync(DtlsConnection)}
     * (UNHANDLED for a synchronous interaction); HANDLED means the certificate was set on {@code connection}.
     * Ends as {@link #askPasswordAsync(TlsPassword, MainContextPump, Cancellable)} does; the connection must stay
     * open until the future ends (a closed one fails it with {@code CLOSED} before the request starts).
     */
    @Wraps({"g_tls_interaction_request_certificate_async", "g_tls_interaction_request_certificate_finish"})
    public CompletableFuture<TlsInteractionResult> requestCertificateAsync(DtlsConnection connection,
                                                                          MainContextPump pump,
                                                                          Cancellable cancellable) {
        Objects.requireNonNull(connection, "connection");
        // The operation's own reference on the connection, dropped when GIO is done with it.
        GTlsConnection conn = connection.handle.call(c -> {
            Gio.g_object_ref(c);
            return new GTlsConnection(new RawPointer(c.address()));
        });
        return AsyncOperation.start(MainContextPump.loop(pump), this, handle, Cancellable.core(cancellable),
                (self, c, callback, data) -> Gio.g_tls_interaction_request_certificate_async(self, conn, 0, c,
                        callback, data),
                (self, result, error) -> {
                    int code = Gio.g_tls_interaction_request_certificate_finish(self, result, error.out());
                    error.check();
                    return TlsInteractionResult.fromCode(code);
                }, () -> Gio.g_object_unref(conn));
    }

    @Override
    public void close() {
        handle.close();
    }

    /** The trampoline's entry for the GdtlsInteraction vfuncs; a0 is the GTlsPassword or GTlsConnection. */
    private long dispatch(long registryHandle, int kind, long a0, long errorOut, long a2) {
        if (kind == CallbackDispatcher.ASK_PASSWORD_ASYNC || kind == CallbackDispatcher.REQUEST_CERTIFICATE_ASYNC) {
            // The GdtlsAsyncInteraction vfuncs: the third argument is the glue's request, not a GError**. The
            // answer is the registry id of the Java side of the request (0: not taken; the glue answers UNHANDLED).
            return this instanceof AsyncTlsInteraction async ? InteractionRequest.start(async, kind, a0, errorOut) : 0;
        }
        try {
            if (kind == CallbackDispatcher.ASK_PASSWORD) {
                try (TlsPassword password = TlsPassword.borrow(new GTlsPassword(new RawPointer(a0)))) {
                    return askPassword(password).code();
                }
            }
            if (kind == CallbackDispatcher.REQUEST_CERTIFICATE) {
                return requestCertificateFor(a0);
            }
            return TlsInteractionResult.UNHANDLED.code();
        } catch (GioException e) {
            GErrors.set(errorOut, e);
            return TlsInteractionResult.FAILED.code();
        } catch (Throwable t) {
            CallbackErrors.report(getClass().getName() + (kind == CallbackDispatcher.ASK_PASSWORD
                    ? ".askPassword" : ".requestCertificate"), t);
            return TlsInteractionResult.UNHANDLED.code();
        }
    }

    private long requestCertificateFor(long connectionAddress) throws GioException {
        DtlsConnection connection = DtlsConnection.live(connectionAddress);
        if (connection == null) {
            return TlsInteractionResult.UNHANDLED.code(); // not a connection of this binding
        }
        TlsCertificate certificate = requestCertificate(connection);
        if (certificate == null) {
            return TlsInteractionResult.UNHANDLED.code();
        }
        GTlsCertificate cert = certificate.handle.acquire();
        try {
            // g_tls_connection_set_certificate: the interaction's contract is to set it on the connection.
            Gio.g_tls_connection_set_certificate(new GTlsConnection(new RawPointer(connectionAddress)), cert);
        } finally {
            certificate.handle.release();
        }
        return TlsInteractionResult.HANDLED.code();
    }
}
