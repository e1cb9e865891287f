package org.gdtls.internal.glue;

import java.nio.charset.StandardCharsets;

import org.bytedeco.javacpp.Pointer;
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
