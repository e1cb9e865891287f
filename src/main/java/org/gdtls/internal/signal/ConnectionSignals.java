package org.gdtls.internal.signal;

import java.util.function.Function;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.gdtls.AcceptCertificateListener;
import org.gdtls.DtlsConnection;
import org.gdtls.NotifyListener;
import org.gdtls.Subscription;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsCertificateFlags;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.InternedStrings;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.RawPointer;

/**
 * The signals a {@link DtlsConnection}'s listeners connect to ({@code accept-certificate}, {@code notify}), and
 * their dispatch from the trampoline to the public listener interfaces, on the emitting thread. A listener's
 * exception is reported, never thrown into C.
 */
public final class ConnectionSignals {
    private final DtlsConnection connection;
    private final ObjectHandle<? extends Pointer> handle;
    /** The public certificate class's own wrapping of a borrowed {@code GTlsCertificate*}. */
    private final Function<GTlsCertificate, TlsCertificate> borrowCertificate;
    private final SignalConnections<ConnectionSignals> signals;

    public ConnectionSignals(DtlsConnection connection, ObjectHandle<? extends Pointer> handle,
                             Function<GTlsCertificate, TlsCertificate> borrowCertificate) {
        this.connection = connection;
        this.handle = handle;
        this.borrowCertificate = borrowCertificate;
        this.signals = new SignalConnections<>(this, handle, ConnectionSignals::dispatch);
    }

    /** By name on the instance: glib-networking emits {@code GTlsConnection::accept-certificate}. */
    public Subscription onAcceptCertificate(AcceptCertificateListener listener) {
        long registryHandle = signals.connect("accept-certificate", CallbackDispatcher.ACCEPT_CERTIFICATE, listener);
        return () -> signals.disconnect(registryHandle);
    }

    /** {@code notify::property}, or every {@code notify} for a null property. */
    public Subscription onNotify(String property, NotifyListener listener) {
        if (property != null) {
            Pointer instance = handle.acquire();
            try (BytePointer name = CStrings.utf8(property)) {
                if (Glue.gdtls_object_property_type(instance, name) == 0) {
                    throw new IllegalArgumentException("no property '" + property + "' on " + connection);
                }
            } finally {
                handle.release();
            }
        }
        String signal = property == null ? "notify" : "notify::" + property;
        long registryHandle = signals.connect(signal, CallbackDispatcher.NOTIFY, listener);
        return () -> signals.disconnect(registryHandle);
    }

    /** At close, before the reference is dropped. */
    public void disconnectAll() {
        signals.disconnectAll(new RawPointer(handle.address()));
    }

    private long dispatch(long registryHandle, int kind, long a0, long a1, long a2) {
        Object listener = signals.listener(registryHandle);
        if (listener == null) {
            return 0;
        }
        try {
            if (kind == CallbackDispatcher.ACCEPT_CERTIFICATE) {
                TlsCertificate peer = borrowCertificate.apply(new GTlsCertificate(new RawPointer(a0)));
                return ((AcceptCertificateListener) listener)
                        .accept(connection, peer, TlsCertificateFlags.fromBits((int) a1)) ? 1 : 0;
            }
            if (kind == CallbackDispatcher.NOTIFY) {
                // GParamSpec names are interned
                ((NotifyListener) listener).propertyChanged(connection, InternedStrings.of(a0));
            }
            return 0;
        } catch (Throwable t) {
            String what = kind == CallbackDispatcher.ACCEPT_CERTIFICATE ? "accept-certificate" : "notify";
            CallbackErrors.report(what + " listener " + listener, t);
            return 0;
        }
    }
}
