package org.gdtls;

import java.util.Set;

import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.BitFlags;

/** {@code GTlsDatabaseLookupFlags}: what a {@link TlsDatabase} lookup must find. */
public enum TlsDatabaseLookupFlags {
    /** {@code G_TLS_DATABASE_LOOKUP_KEYPAIR}: only certificates whose private key is in the database too. */
    KEYPAIR(Gio.G_TLS_DATABASE_LOOKUP_KEYPAIR);

    private final int bit;

    TlsDatabaseLookupFlags(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static Set<TlsDatabaseLookupFlags> fromBits(int bits) {
        return BitFlags.fromBits(TlsDatabaseLookupFlags.class, bits, TlsDatabaseLookupFlags::bit);
    }

    public static int toBits(Set<TlsDatabaseLookupFlags> flags) {
        return BitFlags.toBits(flags, TlsDatabaseLookupFlags::bit);
    }
}
