package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/**
 * {@code GTlsError}: the codes of the {@code G_TLS_ERROR} domain.
 * Values come from the C header through the generated layer.
 */
public enum TlsError {
    UNAVAILABLE(Gio.G_TLS_ERROR_UNAVAILABLE),
    MISC(Gio.G_TLS_ERROR_MISC),
    BAD_CERTIFICATE(Gio.G_TLS_ERROR_BAD_CERTIFICATE),
    NOT_TLS(Gio.G_TLS_ERROR_NOT_TLS),
    HANDSHAKE(Gio.G_TLS_ERROR_HANDSHAKE),
    CERTIFICATE_REQUIRED(Gio.G_TLS_ERROR_CERTIFICATE_REQUIRED),
    EOF(Gio.G_TLS_ERROR_EOF),
    INAPPROPRIATE_FALLBACK(Gio.G_TLS_ERROR_INAPPROPRIATE_FALLBACK),
    BAD_CERTIFICATE_PASSWORD(Gio.G_TLS_ERROR_BAD_CERTIFICATE_PASSWORD),
    /** A code this binding does not know; the exception keeps the raw code. */
    UNKNOWN(-1);

    private final int code;

    TlsError(int code) {
        this.code = code;
    }

    /** The C value of GTlsError. */
    public int code() {
        return code;
    }

    public static TlsError fromCode(int code) {
        for (TlsError value : values()) {
            if (value.code == code && value != UNKNOWN) {
                return value;
            }
        }
        return UNKNOWN;
    }
}
