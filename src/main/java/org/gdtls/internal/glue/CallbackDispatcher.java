package org.gdtls.internal.glue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.gdtls.internal.gen.global.Glue;

/**
 * The Java end of the glue's single trampoline. C handlers carry a handle (a registry id) as user data, never a
 * JNI global reference; GLib's destroy notify ({@code GDTLS_CALLBACK_RELEASE}) removes the entry.
 *
 * <p>The registry holds {@link CallbackTarget}s strongly, so a target must not reach its own connection
 * strongly, or the registry becomes a GC root that keeps the connection alive (see {@link WeakTarget}).
 */
public final class CallbackDispatcher {
    public static final int RELEASE = Glue.GDTLS_CALLBACK_RELEASE;
    public static final int ACCEPT_CERTIFICATE = Glue.GDTLS_CALLBACK_ACCEPT_CERTIFICATE;
    public static final int NOTIFY = Glue.GDTLS_CALLBACK_NOTIFY;
    public static final int ASK_PASSWORD = Glue.GDTLS_CALLBACK_ASK_PASSWORD;
    public static final int REQUEST_CERTIFICATE = Glue.GDTLS_CALLBACK_REQUEST_CERTIFICATE;
    public static final int ASYNC_READY = Glue.GDTLS_CALLBACK_ASYNC_READY;
    public static final int INVOKE = Glue.GDTLS_CALLBACK_INVOKE;
    public static final int CANCELLED = Glue.GDTLS_CALLBACK_CANCELLED;
    public static final int DATAGRAM_READY = Glue.GDTLS_CALLBACK_DATAGRAM_READY;
    public static final int DATAGRAM_FILTER = Glue.GDTLS_CALLBACK_DATAGRAM_FILTER;
    public static final int DATAGRAM_SEND = Glue.GDTLS_CALLBACK_DATAGRAM_SEND;
    public static final int ASK_PASSWORD_ASYNC = Glue.GDTLS_CALLBACK_ASK_PASSWORD_ASYNC;
    public static final int REQUEST_CERTIFICATE_ASYNC = Glue.GDTLS_CALLBACK_REQUEST_CERTIFICATE_ASYNC;
    public static final int DATABASE_VERIFY = Glue.GDTLS_CALLBACK_DATABASE_VERIFY;
    public static final int DATABASE_ISSUER = Glue.GDTLS_CALLBACK_DATABASE_ISSUER;
    public static final int DATABASE_ISSUED_BY = Glue.GDTLS_CALLBACK_DATABASE_ISSUED_BY;
    public static final int DATABASE_CREATE_HANDLE = Glue.GDTLS_CALLBACK_DATABASE_CREATE_HANDLE;
    public static final int DATABASE_FOR_HANDLE = Glue.GDTLS_CALLBACK_DATABASE_FOR_HANDLE;

    private static final Map<Long, CallbackTarget> TARGETS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_HANDLE = new AtomicLong(1);

    private CallbackDispatcher() {}

    static void initialize() {
        // Nothing to do but be loaded before gdtls_glue_init looks this class up.
    }

    public static long register(CallbackTarget target) {
        long handle = NEXT_HANDLE.getAndIncrement();
        TARGETS.put(handle, target);
        return handle;
    }

    /** For a handle that was registered but never handed to GLib (the connect failed). */
    public static void unregister(long handle) {
        TARGETS.remove(handle);
    }

    public static int registeredCount() {
        return TARGETS.size();
    }

    /** Called from C only (glue_init.c looks it up by this name and signature). Never throws. */
    static long dispatch(int kind, long handle, long a0, long a1, long a2) {
        try {
            if (kind == RELEASE) {
                TARGETS.remove(handle);
                return 0;
            }
            CallbackTarget target = TARGETS.get(handle);
            return target == null ? 0 : target.invoke(handle, kind, a0, a1, a2);
        } catch (Throwable t) {
            CallbackErrors.report("GLib callback (kind " + kind + ")", t);
            return 0;
        }
    }
}
