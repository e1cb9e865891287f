package org.gdtls.internal.glue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GByteArray;
import org.gdtls.internal.gen.GObject;
import org.gdtls.internal.gen.GValue;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;

/**
 * GObject properties that have no C accessor function (e.g. {@code authentication-mode}, {@code base-socket}),
 * read and written through {@code g_object_get_property}/{@code g_object_set_property} with a {@link GValue}
 * of the property's own type. The instance must be leased by the caller.
 */
public final class GProperties {
    private GProperties() {}

    public static int getEnum(Pointer instance, String name) {
        return (int) read(instance, name, Gio::g_value_get_enum);
    }

    public static void setEnum(Pointer instance, String name, int value) {
        write(instance, name, v -> Gio.g_value_set_enum(v, value));
    }

    public static int getFlags(Pointer instance, String name) {
        return (int) read(instance, name, Gio::g_value_get_flags);
    }

    /** An object-valued property, with a reference the caller owns ({@code g_value_dup_object}); null if unset. */
    public static Pointer dupObject(Pointer instance, String name) {
        long address = read(instance, name, v -> {
            Pointer p = Gio.g_value_dup_object(v);
            return p == null ? 0 : p.address();
        });
        return address == 0 ? null : new RawPointer(address);
    }

    /** A string property (a copy); null if unset. */
    public static String getString(Pointer instance, String name) {
        GValue value = init(instance, name);
        try {
            Gio.g_object_get_property(new GObject(instance), name, value);
            return CStrings.borrowed(Gio.g_value_get_string(value));
        } finally {
            free(value);
        }
    }

    /**
     * A {@code GByteArray} property (e.g. {@code GTlsCertificate:certificate}), copied into a new Java array; null
     * if unset. The array the getter put into the GValue belongs to the GValue and is released by
     * {@code g_value_unset} before this returns (unreferenced, not wiped).
     */
    public static byte[] getByteArray(Pointer instance, String name) {
        return getBoxed(instance, name, boxed -> {
            GByteArray array = new GByteArray(boxed);
            byte[] result = new byte[array.len()];
            if (result.length > 0) {
                array.data().capacity(result.length).get(result);
            }
            return result;
        });
    }

    /** A {@code GStrv} property (e.g. {@code advertised-protocols}); null if unset. */
    public static List<String> getStrv(Pointer instance, String name) {
        return getBoxed(instance, name, boxed -> {
            PointerPointer<BytePointer> strv = new PointerPointer<>(boxed);
            List<String> result = new ArrayList<>();
            for (int i = 0; strv.get(i) != null; i++) {
                result.add(CStrings.borrowed(strv.get(BytePointer.class, i)));
            }
            return result;
        });
    }

    /** A boxed property, copied out by {@code copy} while the GValue still holds it; null if unset. */
    private static <T> T getBoxed(Pointer instance, String name, Function<Pointer, T> copy) {
        GValue value = init(instance, name);
        try {
            Gio.g_object_get_property(new GObject(instance), name, value);
            Pointer boxed = Gio.g_value_get_boxed(value);
            return boxed == null || boxed.isNull() ? null : copy.apply(boxed);
        } finally {
            free(value);
        }
    }

    private static long read(Pointer instance, String name, ToLongFunction<GValue> getter) {
        GValue value = init(instance, name);
        try {
            Gio.g_object_get_property(new GObject(instance), name, value);
            return getter.applyAsLong(value);
        } finally {
            free(value);
        }
    }

    private interface Setter {
        void set(GValue value);
    }

    private static void write(Pointer instance, String name, Setter setter) {
        GValue value = init(instance, name);
        try {
            setter.set(value);
            Gio.g_object_set_property(new GObject(instance), name, value);
        } finally {
            free(value);
        }
    }

    /** A zeroed GValue initialized to the property's GType; throws if the object has no such property. */
    private static GValue init(Pointer instance, String name) {
        long type;
        try (BytePointer n = CStrings.utf8(name)) {
            type = Glue.gdtls_object_property_type(instance, n);
        }
        if (type == 0) {
            throw new IllegalArgumentException("no property '" + name + "' on "
                    + CStrings.borrowed(Glue.gdtls_object_type_name(instance)));
        }
        GValue value = new GValue();
        Pointer.memset(value, 0, Pointer.sizeof(GValue.class));
        Gio.g_value_init(value, type);
        return value;
    }

    private static void free(GValue value) {
        Gio.g_value_unset(value);
        value.deallocate();
    }
}
