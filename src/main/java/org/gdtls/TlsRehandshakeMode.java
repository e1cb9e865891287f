package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/** {@code GTlsRehandshakeMode}: deprecated in GIO 2.60 (rehandshaking is always refused by TLS 1.3 and ignored by DTLS backends' docs). */
@Deprecated
public enum TlsRehandshakeMode {
    NEVER(Gio.G_TLS_REHANDSHAKE_NEVER),
    SAFELY(Gio.G_TLS_REHANDSHAKE_SAFELY),
    UNSAFELY(Gio.G_TLS_REHANDSHAKE_UNSAFELY);

    private final int code;

    TlsRehandshakeMode(int code) {
        this.code = code;
    }

    /** The C value. */
    public int code() {
        return code;
    }

    /** The constant for a C value. */
    public static TlsRehandshakeMode fromCode(int code) {
        for (TlsRehandshakeMode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw new IllegalArgumentException("not a GTlsRehandshakeMode: " + code);
    }
}
