package org.gdtls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.GByteArray;
import org.gdtls.internal.gen.GCancellable;
import org.gdtls.internal.gen.GList;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.GTlsDatabase;
import org.gdtls.internal.gen.GdtlsVerifyRequest;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.CallbackTarget;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.RawPointer;

/**
 * The Java end of a GdtlsDatabase (native/src/tls_database.c): turns each vfunc call into a call of the
 * {@link TlsDatabaseImplementation}, run on a thread of the binding's with a deadline, so that an implementation
 * that hangs cannot hold GIO's handshake thread for longer than that. The registry holds this target (and the
 * implementation) strongly until the GObject is finalized: a connection may use the database long after the
 * application closed its TlsDatabase wrapper.
 */
final class JavaTlsDatabase implements CallbackTarget {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gdtls-tls-database-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    /** How often a waiting vfunc looks at its GCancellable (GIO passes none while verifying a handshake's peer). */
    private static final long CANCEL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final TlsDatabaseImplementation implementation;
    private final long timeoutNanos;

    private JavaTlsDatabase(TlsDatabaseImplementation implementation, Duration timeout) {
        this.implementation = implementation;
        this.timeoutNanos = timeout.toNanos();
    }

    /** A new GdtlsDatabase (a reference the caller owns) calling {@code implementation}. */
    static GTlsDatabase create(TlsDatabaseImplementation implementation, Duration timeout) {
        NativeLibrary.ensureLoaded();
        long handle = CallbackDispatcher.register(new JavaTlsDatabase(implementation, timeout));
        return Glue.gdtls_database_new(handle);
    }

    @Override
    public long invoke(long handle, int kind, long a0, long errorOut, long a2) {
        if (kind == CallbackDispatcher.DATABASE_VERIFY) {
            return verify(a0, errorOut, new GdtlsVerifyRequest(new RawPointer(a2)));
        }
        Set<TlsDatabaseLookupFlags> flags = TlsDatabaseLookupFlags.fromBits((int) a2);
        try {
            if (kind == CallbackDispatcher.DATABASE_ISSUER) {
                try (TlsCertificate certificate = borrow(a0)) {
                    return handOver(call(() -> implementation.lookupCertificateIssuer(certificate, flags), null));
                }
            }
            if (kind == CallbackDispatcher.DATABASE_ISSUED_BY) {
                GByteArray dn = new GByteArray(new RawPointer(a0));
                byte[] issuer = new byte[dn.len()];
                dn.data().capacity(issuer.length).get(issuer);
                return handOver(call(() -> implementation.lookupCertificatesIssuedBy(issuer, flags), null));
            }
            if (kind == CallbackDispatcher.DATABASE_FOR_HANDLE) {
                String name = CStrings.borrowed(new BytePointer(new RawPointer(a0)));
                return handOver(call(() -> implementation.lookupCertificateForHandle(name, flags), null));
            }
            if (kind == CallbackDispatcher.DATABASE_CREATE_HANDLE) {
                try (TlsCertificate certificate = borrow(a0)) {
                    return CStrings.gmalloced(call(() -> implementation.createCertificateHandle(certificate), null));
                }
            }
            return 0;
        } catch (Throwable t) {
            fail(kind, errorOut, t);
            return 0;
        }
    }

    private long verify(long chainAddress, long errorOut, GdtlsVerifyRequest request) {
        try (TlsCertificate chain = borrow(chainAddress)) {
            String purpose = CStrings.borrowed(request.purpose());
            String identity = CStrings.borrowed(request.identity());
            Set<TlsCertificateFlags> flags = call(() -> implementation.verifyChain(chain, purpose, identity),
                    request.cancellable());
            if (flags == null) {
                throw new NullPointerException("verifyChain returned null (an empty set trusts the chain)");
            }
            return TlsCertificateFlags.toBits(flags) | Glue.GDTLS_DATABASE_ANSWERED;
        } catch (Throwable t) {
            fail(CallbackDispatcher.DATABASE_VERIFY, errorOut, t);
            return TlsCertificateFlags.GENERIC_ERROR.bit() | Glue.GDTLS_DATABASE_ANSWERED;
        }
    }

    /** Runs {@code body} on a binding thread; waits until the timeout, or until {@code cancellable} is cancelled. */
    private <T> T call(Callable<T> body, GCancellable cancellable) throws Exception {
        Future<T> result = CALLS.submit(body);
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOErrorException(IOErrorEnum.TIMED_OUT.code(),
                            "the Java TlsDatabase did not answer within " + Duration.ofNanos(timeoutNanos));
                }
                if (cancellable != null && !cancellable.isNull() && Gio.g_cancellable_is_cancelled(cancellable) != 0) {
                    throw new IOErrorException(IOErrorEnum.CANCELLED.code(), "Operation was cancelled");
                }
                try {
                    return result.get(Math.min(left, CANCEL_POLL_NANOS), TimeUnit.NANOSECONDS);
                } catch (TimeoutException stillRunning) {
                    // look at the deadline and the cancellable again
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            result.cancel(true); // no-op once done; interrupts an implementation given up on
        }
    }

    /** The vfunc's GError: a GioException keeps its domain and code; anything else is reported first. */
    private void fail(int kind, long errorOut, Throwable t) {
        if (!(t instanceof GioException)) {
            CallbackErrors.report(implementation.getClass().getName() + " (TlsDatabase vfunc " + kind + ")", t);
        }
        GErrors.set(errorOut, t);
    }

    private static TlsCertificate borrow(long address) {
        return TlsCertificate.borrow(new GTlsCertificate(new RawPointer(address)));
    }

    /** A returned certificate for GIO (a reference of its own; transfer full); the wrapper is closed. */
    private static long handOver(TlsCertificate certificate) {
        if (certificate == null) {
            return 0;
        }
        try (certificate) {
            return certificate.handle.call(p -> {
                Gio.g_object_ref(p);
                return p.address();
            });
        }
    }

    /** A transfer-full GList of certificates, in the list's order; every wrapper is closed, also on a failure. */
    private static long handOver(List<TlsCertificate> certificates) {
        if (certificates == null) {
            return 0;
        }
        GList list = null;
        try {
            for (int i = certificates.size() - 1; i >= 0; i--) {
                TlsCertificate c = Objects.requireNonNull(certificates.get(i), "a null certificate in the list");
                list = Gio.g_list_prepend(list, new RawPointer(handOver(c)));
            }
            return list == null ? 0 : list.address();
        } catch (RuntimeException e) {
            for (GList node = list; node != null && !node.isNull(); node = node.next()) {
                Gio.g_object_unref(node.data());
            }
            if (list != null) {
                Gio.g_list_free(list);
            }
            throw e;
        } finally {
            certificates.forEach(c -> {
                if (c != null) {
                    c.close();
                }
            });
        }
    }
}
