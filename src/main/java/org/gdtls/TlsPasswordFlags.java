package org.gdtls;

import java.util.Set;

import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.BitFlags;

/** {@code GTlsPasswordFlags}: what a {@link TlsPassword} request is about (PKCS#11 user, retry, last try ...). */
public enum TlsPasswordFlags {
    RETRY(Gio.G_TLS_PASSWORD_RETRY),
    MANY_TRIES(Gio.G_TLS_PASSWORD_MANY_TRIES),
    FINAL_TRY(Gio.G_TLS_PASSWORD_FINAL_TRY),
    PKCS11_USER(Gio.G_TLS_PASSWORD_PKCS11_USER),
    PKCS11_SECURITY_OFFICER(Gio.G_TLS_PASSWORD_PKCS11_SECURITY_OFFICER),
    PKCS11_CONTEXT_SPECIFIC(Gio.G_TLS_PASSWORD_PKCS11_CONTEXT_SPECIFIC);

    private final int bit;

    TlsPasswordFlags(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static Set<TlsPasswordFlags> fromBits(int bits) {
        return BitFlags.fromBits(TlsPasswordFlags.class, bits, TlsPasswordFlags::bit);
    }

    public static int toBits(Set<TlsPasswordFlags> flags) {
        return BitFlags.toBits(flags, TlsPasswordFlags::bit);
    }
}
