package org.gdtls;

import java.util.EnumSet;
import java.util.Set;

import org.gdtls.internal.gen.global.Gio;

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
        EnumSet<TlsCertificateFlags> set = EnumSet.noneOf(TlsCertificateFlags.class);
        for (TlsCertificateFlags flag : values()) {
            if ((bits & flag.bit) != 0) {
                set.add(flag);
            }
        }
        return set;
    }

    public static int toBits(Set<TlsCertificateFlags> flags) {
        int bits = 0;
        for (TlsCertificateFlags flag : flags) {
            bits |= flag.bit;
        }
        return bits;
    }

    public static int unknownBits(int bits) {
        return bits & ~VALIDATE_ALL;
    }
}
