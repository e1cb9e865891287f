package org.gdtls.internal.glue;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.ToIntFunction;

/** C flag masks <-> EnumSets, for the public flag enums ({@code TlsCertificateFlags}, {@code IOCondition}, ...). */
public final class BitFlags {
    private BitFlags() {}

    /** The constants whose bit is set in {@code bits}; bits no constant names are ignored. */
    public static <E extends Enum<E>> Set<E> fromBits(Class<E> type, int bits, ToIntFunction<E> bit) {
        EnumSet<E> set = EnumSet.noneOf(type);
        for (E flag : type.getEnumConstants()) {
            if ((bits & bit.applyAsInt(flag)) != 0) {
                set.add(flag);
            }
        }
        return set;
    }

    public static <E extends Enum<E>> int toBits(Set<E> flags, ToIntFunction<E> bit) {
        int bits = 0;
        for (E flag : flags) {
            bits |= bit.applyAsInt(flag);
        }
        return bits;
    }
}
