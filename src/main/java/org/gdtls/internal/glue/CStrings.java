package org.gdtls.internal.glue;

import java.nio.charset.StandardCharsets;

import org.bytedeco.javacpp.BytePointer;
import org.gdtls.internal.gen.global.Gio;

/** C strings from GLib, which are UTF-8. */
public final class CStrings {
    private CStrings() {}

    /** A string the caller does not own ({@code transfer none}); null stays null. */
    public static String borrowed(BytePointer s) {
        return s == null || s.isNull() ? null : s.getString(StandardCharsets.UTF_8);
    }

    /** A string the caller owns ({@code transfer full}): read, then g_free'd. */
    public static String owned(BytePointer s) {
        if (s == null || s.isNull()) {
            return null;
        }
        try {
            return s.getString(StandardCharsets.UTF_8);
        } finally {
            Gio.g_free(s);
        }
    }

    /** A NUL-terminated UTF-8 copy for a {@code const gchar*} argument; freed when the returned pointer is. */
    public static BytePointer utf8(String s) {
        return s == null ? null : new BytePointer(s, StandardCharsets.UTF_8);
    }
}
