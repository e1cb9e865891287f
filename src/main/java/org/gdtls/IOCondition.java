package org.gdtls;

import java.util.Set;

import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.BitFlags;

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
        return BitFlags.fromBits(IOCondition.class, bits, IOCondition::bit);
    }

    public static int toBits(Set<IOCondition> conditions) {
        return BitFlags.toBits(conditions, IOCondition::bit);
    }
}
