package org.gdtls;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.ToIntFunction;

/** C flag masks <-> EnumSets, for the flag enums ({@link TlsCertificateFlags}, {@link IOCondition}, ...). */
final class BitFlags {
    private BitFlags() {}

    /** The constants whose bit is set in {@code bits}; bits no constant names are ignored. */
    static <E extends Enum<E>> Set<E> fromBits(Class<E> type, int bits, ToIntFunction<E> bit) {
        EnumSet<E> set = EnumSet.noneOf(type);
        for (E flag : type.getEnumConstants()) {
            if ((bits & bit.applyAsInt(flag)) != 0) {
                set.add(flag);
            }
        }
        return set;
    }

    static <E extends Enum<E>> int toBits(Set<E> flags, ToIntFunction<E> bit) {
        int bits = 0;
        for (E flag : flags) {
            bits |= bit.applyAsInt(flag);
        }
        return bits;
    }
}
