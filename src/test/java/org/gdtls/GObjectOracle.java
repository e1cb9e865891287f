package org.gdtls;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The test oracle: reads GObjects straight from libgobject through jnr-ffi, sharing no code with the JavaCPP
 * layer, so tests check the binding against GObject itself.
 */
final class GObjectOracle {
    /** The libgobject functions the oracle needs, bound by jnr-ffi. */
    public interface LibGObject {
        String g_type_name_from_instance(Pointer instance);

        Pointer g_object_ref(Pointer object);

        void g_object_unref(Pointer object);

        String g_type_name(long gtype);

        boolean g_type_is_a(long type, long isAType);

        long g_type_from_name(String name);

        Pointer g_object_class_find_property(Pointer objectClass, String name);

        long g_type_fundamental(long type);

        Pointer g_value_init(Pointer value, long type);

        void g_value_unset(Pointer value);

        void g_object_get_property(Pointer object, String name, Pointer value);

        int g_value_get_int(Pointer value);

        int g_value_get_uint(Pointer value);

        boolean g_value_get_boolean(Pointer value);

        int g_value_get_enum(Pointer value);

        int g_value_get_flags(Pointer value);

        String g_value_get_string(Pointer value);

        Pointer g_value_get_object(Pointer value);
    }

    private static final LibGObject GOBJECT = LibraryLoader.create(LibGObject.class).load("gobject-2.0");
    private static final Runtime RUNTIME = Runtime.getRuntime(GOBJECT);
    /** struct GObject { GTypeInstance g_type_instance; guint ref_count; ... }: ref_count follows one pointer. */
    private static final long REF_COUNT_OFFSET = RUNTIME.addressSize();

    /** struct GParamSpec { GTypeInstance; const gchar *name; GParamFlags flags; GType value_type; ... }. */
    private static final long PSPEC_VALUE_TYPE_OFFSET = 2L * RUNTIME.addressSize() + 8;
    /** sizeof (GValue): a GType and two 8-byte data slots. */
    private static final int GVALUE_SIZE = 24;
    /** G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2, from gtype.h. */
    private static final long G_TYPE_BOOLEAN = 5 << 2;
    private static final long G_TYPE_INT = 6 << 2;
    private static final long G_TYPE_UINT = 7 << 2;
    private static final long G_TYPE_ENUM = 12 << 2;
    private static final long G_TYPE_FLAGS = 13 << 2;
    private static final long G_TYPE_STRING = 16 << 2;
    private static final long G_TYPE_OBJECT = 20 << 2;

    private GObjectOracle() {}

    /**
     * Property {@code name} read with g_object_get_property: Integer (int, uint, enum, flags), Boolean, String, or
     * Long (the address of an object, 0 for NULL). Throws for a property the object does not have.
     */
    static Object property(long address, String name) {
        Pointer object = at(address);
        Pointer objectClass = object.getPointer(0); // GTypeInstance.g_class: G_OBJECT_GET_CLASS
        Pointer pspec = GOBJECT.g_object_class_find_property(objectClass, name);
        if (pspec == null) {
            throw new IllegalArgumentException(typeName(address) + " has no property " + name);
        }
        long type = pspec.getLong(PSPEC_VALUE_TYPE_OFFSET);
        Pointer value = jnr.ffi.Memory.allocateDirect(RUNTIME, GVALUE_SIZE, true);
        GOBJECT.g_value_init(value, type);
        try {
            GOBJECT.g_object_get_property(object, name, value);
            long fundamental = GOBJECT.g_type_fundamental(type);
            if (fundamental == G_TYPE_BOOLEAN) {
                return GOBJECT.g_value_get_boolean(value);
            } else if (fundamental == G_TYPE_INT) {
                return GOBJECT.g_value_get_int(value);
            } else if (fundamental == G_TYPE_UINT) {
                return GOBJECT.g_value_get_uint(value);
            } else if (fundamental == G_TYPE_ENUM) {
                return GOBJECT.g_value_get_enum(value);
            } else if (fundamental == G_TYPE_FLAGS) {
                return GOBJECT.g_value_get_flags(value);
            } else if (fundamental == G_TYPE_STRING) {
                return GOBJECT.g_value_get_string(value);
            } else if (fundamental == G_TYPE_OBJECT) {
                Pointer o = GOBJECT.g_value_get_object(value);
                return o == null ? 0L : o.address();
            }
            throw new IllegalArgumentException(name + " has a type the oracle does not read: " + gtypeName(type));
        } finally {
            GOBJECT.g_value_unset(value);
        }
    }

    static Pointer at(long address) {
        return Pointer.wrap(RUNTIME, address);
    }

    static String typeName(long address) {
        return GOBJECT.g_type_name_from_instance(at(address));
    }

    static String gtypeName(long gtype) {
        return GOBJECT.g_type_name(gtype);
    }

    /** Whether the object at {@code address} implements/extends {@code gtype}. */
    static boolean isA(long address, long gtype) {
        return GOBJECT.g_type_is_a(GOBJECT.g_type_from_name(typeName(address)), gtype);
    }

    static int refCount(long address) {
        return at(address).getInt(REF_COUNT_OFFSET);
    }

    static void ref(long address) {
        GOBJECT.g_object_ref(at(address));
    }

    static void unref(long address) {
        GOBJECT.g_object_unref(at(address));
    }
}
