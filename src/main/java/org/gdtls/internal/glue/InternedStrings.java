package org.gdtls.internal.glue;

import org.bytedeco.javacpp.BytePointer;

/**
 * Java strings for C strings GLib has interned (e.g. a {@code GParamSpec}'s name, as {@code notify} passes it):
 * such a string lives at one address for the life of the process, so a small cache by address turns the copy
 * into a lookup and a notify emission allocates nothing once its name was seen.
 */
public final class InternedStrings {
    private static final int SLOTS = 64; // a power of two; GDtlsConnection has about twenty properties

    /** Immutable, so a slot read by another thread is always a whole entry (final-field publication). */
    private record Entry(long address, String value) {}

    private static final Entry[] CACHE = new Entry[SLOTS];

    private InternedStrings() {}

    /** The string at {@code address}, which must be interned (never freed); null for 0. */
    public static String of(long address) {
        if (address == 0) {
            return null;
        }
        int slot = (int) (address ^ (address >>> 7)) & (SLOTS - 1); // a collision only costs a copy
        Entry e = CACHE[slot];
        if (e != null && e.address() == address) {
            return e.value();
        }
        String value = CStrings.borrowed(new BytePointer(new RawPointer(address)));
        CACHE[slot] = new Entry(address, value);
        return value;
    }
}
