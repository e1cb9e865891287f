package org.gdtls.internal.glue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
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

    /** A g_malloc'ed NUL-terminated UTF-8 copy, for a C caller that g_free's it ({@code transfer full}); null stays 0. */
    public static long gmalloced(String s) {
        if (s == null) {
            return 0;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        BytePointer copy = new BytePointer(Gio.g_malloc(bytes.length + 1L)).capacity(bytes.length + 1L);
        copy.put(bytes).put(bytes.length, (byte) 0);
        return copy.address();
    }

    /** A NUL-terminated UTF-8 copy for a {@code const gchar*} argument; freed when the returned pointer is. */
    public static BytePointer utf8(String s) {
        return s == null ? null : new BytePointer(s, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code call} with a NULL-terminated UTF-8 string array ({@code const gchar * const *}) holding
     * {@code strings}, or NULL for a null or empty list; the copies are freed afterwards (GIO copies what it keeps).
     */
    public static void withStrv(List<String> strings, Consumer<PointerPointer<?>> call) {
        if (strings == null || strings.isEmpty()) {
            call.accept(null);
            return;
        }
        BytePointer[] copies = new BytePointer[strings.size()];
        try (PointerPointer<BytePointer> array = new PointerPointer<>(strings.size() + 1L)) {
            for (int i = 0; i < copies.length; i++) {
                copies[i] = utf8(Objects.requireNonNull(strings.get(i), "string"));
                array.put(i, copies[i]);
            }
            array.put(copies.length, null);
            call.accept(array);
        } finally {
            for (BytePointer s : copies) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
