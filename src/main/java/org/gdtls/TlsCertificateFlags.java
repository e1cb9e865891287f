package org.gdtls;

import java.util.Set;

import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.BitFlags;

/** {@code GTlsCertificateFlags}: why a certificate failed validation. Sets convert to and from the C bit mask. */
public enum TlsCertificateFlags {
    UNKNOWN_CA(Gio.G_TLS_CERTIFICATE_UNKNOWN_CA),
    BAD_IDENTITY(Gio.G_TLS_CERTIFICATE_BAD_IDENTITY),
    NOT_ACTIVATED(Gio.G_TLS_CERTIFICATE_NOT_ACTIVATED),
    EXPIRED(Gio.G_TLS_CERTIFICATE_EXPIRED),
    REVOKED(Gio.G_TLS_CERTIFICATE_REVOKED),
    INSECURE(Gio.G_TLS_CERTIFICATE_INSECURE),
    GENERIC_ERROR(Gio.G_TLS_CERTIFICATE_GENERIC_ERROR);

    /** {@code G_TLS_CERTIFICATE_VALIDATE_ALL}. */
    public static final int VALIDATE_ALL = Gio.G_TLS_CERTIFICATE_VALIDATE_ALL;

    private final int bit;

    TlsCertificateFlags(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The flags set in a C mask; bits this binding does not know are ignored (see {@link #unknownBits}). */
    public static Set<TlsCertificateFlags> fromBits(int bits) {
        return BitFlags.fromBits(TlsCertificateFlags.class, bits, TlsCertificateFlags::bit);
    }

    public static int toBits(Set<TlsCertificateFlags> flags) {
        return BitFlags.toBits(flags, TlsCertificateFlags::bit);
    }

    public static int unknownBits(int bits) {
        return bits & ~VALIDATE_ALL;
    }
}
