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
    }

    private static final LibGObject GOBJECT = LibraryLoader.create(LibGObject.class).load("gobject-2.0");
    private static final Runtime RUNTIME = Runtime.getRuntime(GOBJECT);
    /** struct GObject { GTypeInstance g_type_instance; guint ref_count; ... }: ref_count follows one pointer. */
    private static final long REF_COUNT_OFFSET = RUNTIME.addressSize();

    private GObjectOracle() {}

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
