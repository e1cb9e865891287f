package org.gdtls.internal.glue;

import java.nio.charset.StandardCharsets;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.GioException;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.global.Gio;

/**
 * The {@code GError **error} argument of GIO calls: one reusable slot per thread (JavaCPP writes the returned
 * address back into it), and the conversion of a set GError into a typed {@link GioException}.
 */
public final class GErrors {
    private static final ThreadLocal<GError> SLOT = ThreadLocal.withInitial(() -> new GError((Pointer) null));

    private GErrors() {}

    /** A cleared slot to pass as the last argument of a GIO call on this thread. */
    public static GError slot() {
        GError slot = SLOT.get();
        slot.setNull();
        return slot;
    }

    /**
     * Sets a {@code GError **error} out-argument a C caller passed (e.g. to a vfunc implemented in Java) from a
     * Java exception: the domain and code of a {@link GioException}, else {@code G_IO_ERROR_FAILED}.
     */
    public static void set(long errorOutAddress, Throwable error) {
        if (errorOutAddress == 0) {
            return;
        }
        String domain = GioException.IO_ERROR_DOMAIN;
        int code = Gio.G_IO_ERROR_FAILED;
        if (error instanceof GioException g) {
            domain = g.domain();
            code = g.rawCode();
        }
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        try (BytePointer d = CStrings.utf8(domain); BytePointer m = CStrings.utf8(message);
             PointerPointer<GError> out = new PointerPointer<>(new RawPointer(errorOutAddress))) {
            Gio.g_set_error_literal(out, Gio.g_quark_from_string(d), code, m);
        }
    }

    /** Throws the GError left in {@code slot}, if any, and frees it. */
    public static void check(GError slot) throws GioException {
        if (!slot.isNull()) {
            throw take(slot);
        }
    }

    /** Converts and frees the GError in {@code slot}; the slot is cleared. */
    public static GioException take(GError slot) {
        try {
            String domain = Gio.g_quark_to_string(slot.domain()).getString(StandardCharsets.UTF_8);
            int code = slot.code();
            String message = slot.message() == null || slot.message().isNull()
                    ? "" : slot.message().getString(StandardCharsets.UTF_8);
            return GioException.of(domain, code, message);
        } finally {
            Gio.g_error_free(slot);
            slot.setNull();
        }
    }
}
