package org.gdtls.internal.glue;

import java.nio.charset.StandardCharsets;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.GioException;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.global.Gio;

/**
 * GErrors and Java exceptions, both ways: a set GError into a typed {@link GioException} (calls pass their
 * {@code GError **} as a {@link GErrorSlot}), and a Java exception into the GError a C caller asked for.
 */
public final class GErrors {
    private GErrors() {}

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

    /** Converts and frees {@code error}. */
    static GioException take(GError error) {
        try {
            String domain = Gio.g_quark_to_string(error.domain()).getString(StandardCharsets.UTF_8);
            String message = error.message() == null || error.message().isNull()
                    ? "" : error.message().getString(StandardCharsets.UTF_8);
            return GioException.of(domain, error.code(), message);
        } finally {
            Gio.g_error_free(error);
        }
    }
}
