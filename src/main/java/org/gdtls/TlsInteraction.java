package org.gdtls;

import java.util.Objects;

import org.gdtls.internal.gen.GCancellable;
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
 * the request fail with that error; anything else is reported and leaves it unhandled.
 */
public abstract class TlsInteraction implements AutoCloseable {
    final ObjectHandle<GTlsInteraction> handle;

    protected TlsInteraction() {
        NativeLibrary.ensureLoaded();
        // The registry reaches this object weakly: a connection keeps it alive through DtlsConnection#setInteraction.
        long registryHandle = CallbackDispatcher.register(new WeakTarget<>(this, TlsInteraction::dispatch));
        this.handle = new ObjectHandle<>(this, Glue.gdtls_interaction_new(registryHandle), "TlsInteraction");
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
        Objects.requireNonNull(password, "password");
        GTlsInteraction self = handle.acquire();
        try {
            GTlsPassword p = password.handle.acquire();
            try {
                GCancellable c = Cancellable.acquire(cancellable);
                try {
                    GErrorSlot error = GErrorSlot.ofThread();
                    int result = Gio.g_tls_interaction_invoke_ask_password(self, p, c, error.out());
                    error.check();
                    return TlsInteractionResult.fromCode(result);
                } finally {
                    Cancellable.release(cancellable);
                }
            } finally {
                password.handle.release();
            }
        } finally {
            handle.release();
        }
    }

    @Override
    public void close() {
        handle.close();
    }

    /** The trampoline's entry for the GdtlsInteraction vfuncs; a0 is the GTlsPassword or GTlsConnection. */
    private long dispatch(long registryHandle, int kind, long a0, long errorOut, long a2) {
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
