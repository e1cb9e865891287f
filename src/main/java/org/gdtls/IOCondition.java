package org.gdtls;

import java.util.EnumSet;
import java.util.Set;

import org.gdtls.internal.gen.global.Gio;

/** {@code GIOCondition}: what a datagram source waits for, and what it found. */
public enum IOCondition {
    IN(Gio.G_IO_IN),
    OUT(Gio.G_IO_OUT),
    PRI(Gio.G_IO_PRI),
    ERR(Gio.G_IO_ERR),
    HUP(Gio.G_IO_HUP),
    NVAL(Gio.G_IO_NVAL);

    private final int bit;

    IOCondition(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static Set<IOCondition> fromBits(int bits) {
        EnumSet<IOCondition> set = EnumSet.noneOf(IOCondition.class);
        for (IOCondition c : values()) {
            if ((bits & c.bit) != 0) {
                set.add(c);
            }
        }
        return set;
    }

    public static int toBits(Set<IOCondition> conditions) {
        int bits = 0;
        for (IOCondition c : conditions) {
            bits |= c.bit;
        }
        return bits;
    }
}
