package org.gdtls;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code GTlsInteraction} that answers later: its {@link #askPasswordAsync(TlsPassword)} and
 * {@link #requestCertificateAsync(DtlsConnection)} return a {@link CompletableFuture} at once, and whoever
 * completes it, on any thread, answers GIO (a dialog, another service). These are
 * {@code GTlsInteractionClass.ask_password_async} / {@code request_certificate_async} (with their
 * {@code _finish}); the synchronous methods are left NULL, because GIO's {@code g_tls_interaction_invoke_*}
 * functions, which the backend calls, prefer a synchronous method whenever there is one.
 *
 * <p>Threads: the interaction is created on a {@link MainContextPump}'s thread (the default pump, unless one is
 * given), so GIO dispatches requests to that pump and the answers report there. The {@code *Async} methods run on
 * the pump's thread: return quickly and never block there. The backend's handshake thread waits meanwhile (GnuTLS
 * asks for a PIN or a certificate synchronously), so the handshake waits too; nothing else waits.
 *
 * <p>Answers: a future completed with {@link TlsInteractionResult#HANDLED} after the password's value was set
 * (or with a certificate, which the binding sets on the connection) answers HANDLED; null answers UNHANDLED. A
 * future that fails with a {@link GioException} answers FAILED with that error; one that is cancelled answers
 * FAILED with {@code G_IO_ERROR_CANCELLED} (as GIO defines "cancelled by the user"); any other failure, or an
 * exception thrown by the method, is reported ({@link Gdtls#setCallbackExceptionHandler}) and answers UNHANDLED.
 *
 * <p>Cancellation: when GIO cancels the request (the handshake's {@link Cancellable} is cancelled, or
 * {@link DtlsConnection#handshake(java.time.Duration)} runs out of time), GIO gets FAILED with
 * {@code G_IO_ERROR_CANCELLED} at once and the future given out is cancelled; a later completion is ignored.
 * {@link #close()} answers every request still pending the same way, so a future nobody completes never holds a
 * handshake past the interaction's close. A request without a cancellable (e.g. a handshake without one) waits
 * until its future completes or the interaction is closed.
 *
 * <p>PKCS#11 PINs on GLib 2.74: glib-networking does not survive a FAILED PIN request (libgnutls then
 * dereferences NULL and the process dies), and that includes a cancelled one. Answer a PIN request; do not let it
 * be cancelled.
 */
public abstract class AsyncTlsInteraction extends TlsInteraction {
    /** Requests GIO made and no one answered yet. */
    final Set<InteractionRequest> pending = ConcurrentHashMap.newKeySet();

    /** On the {@linkplain MainContextPump#defaultPump() default pump}. */
    protected AsyncTlsInteraction() {
        this(MainContextPump.defaultPump());
    }

    /**
     * On {@code pump}: created on its thread (waiting up to 10 s for it, else {@link IllegalStateException}),
     * requests run there. The pump must outlive the interaction's use.
     */
    protected AsyncTlsInteraction(MainContextPump pump) {
        super(pump);
    }

    /**
     * {@code GTlsInteractionClass.ask_password_async} (and {@code ask_password_finish}): complete the future,
     * from any thread, once {@code password}'s value is set ({@link TlsPassword#setValue(char[])}).
     * {@link TlsPassword#flags()} and {@link TlsPassword#warning()} say whether this is a retry. {@code password}
     * stays valid until the future completes or the request is cancelled. The default answers UNHANDLED.
     */
    @Wraps({"GTlsInteractionClass.ask_password_async", "GTlsInteractionClass.ask_password_finish"})
    protected CompletableFuture<TlsInteractionResult> askPasswordAsync(TlsPassword password) {
        return CompletableFuture.completedFuture(TlsInteractionResult.UNHANDLED);
    }

    /**
     * {@code GTlsInteractionClass.request_certificate_async} (and {@code request_certificate_finish}): complete
     * the future with the certificate (with private key) to present on {@code connection}, or null to leave the
     * request unhandled. The binding sets it on the connection. The default answers UNHANDLED.
     */
    @Wraps({"GTlsInteractionClass.request_certificate_async", "GTlsInteractionClass.request_certificate_finish"})
    protected CompletableFuture<TlsCertificate> requestCertificateAsync(DtlsConnection connection) {
        return CompletableFuture.completedFuture(null);
    }

    /** Never called: GIO calls {@link #askPasswordAsync(TlsPassword)} on this flavour. */
    @Override
    protected final TlsInteractionResult askPassword(TlsPassword password) {
        return TlsInteractionResult.UNHANDLED;
    }

    /** Never called: GIO calls {@link #requestCertificateAsync(DtlsConnection)} on this flavour. */
    @Override
    protected final TlsCertificate requestCertificate(DtlsConnection connection) {
        return null;
    }

    /** Requests GIO made of this interaction that are not answered yet. */
    public int pendingRequests() {
        return pending.size();
    }

    /**
     * Answers every pending request FAILED with {@code G_IO_ERROR_CANCELLED} (their futures are cancelled), then
     * drops the reference ({@link TlsInteraction#close()}).
     */
    @Override
    public void close() {
        for (InteractionRequest request : pending) {
            request.cancelByClose();
        }
        super.close();
    }
}
