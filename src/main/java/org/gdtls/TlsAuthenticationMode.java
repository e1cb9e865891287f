package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/** {@code GTlsAuthenticationMode}: whether a server asks the client for a certificate. */
public enum TlsAuthenticationMode {
    NONE(Gio.G_TLS_AUTHENTICATION_NONE),
    REQUESTED(Gio.G_TLS_AUTHENTICATION_REQUESTED),
    REQUIRED(Gio.G_TLS_AUTHENTICATION_REQUIRED);

    private final int code;

    TlsAuthenticationMode(int code) {
        this.code = code;
    }

    /** The C value. */
    public int code() {
        return code;
    }

    /** The constant for a C value. */
    public static TlsAuthenticationMode fromCode(int code) {
        for (TlsAuthenticationMode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw new IllegalArgumentException("not a GTlsAuthenticationMode: " + code);
    }
}
