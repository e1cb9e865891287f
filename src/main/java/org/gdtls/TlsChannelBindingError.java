package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/** {@code GTlsChannelBindingError}: the codes of the {@code G_TLS_CHANNEL_BINDING_ERROR} domain. */
public enum TlsChannelBindingError {
    NOT_IMPLEMENTED(Gio.G_TLS_CHANNEL_BINDING_ERROR_NOT_IMPLEMENTED),
    INVALID_STATE(Gio.G_TLS_CHANNEL_BINDING_ERROR_INVALID_STATE),
    NOT_AVAILABLE(Gio.G_TLS_CHANNEL_BINDING_ERROR_NOT_AVAILABLE),
    NOT_SUPPORTED(Gio.G_TLS_CHANNEL_BINDING_ERROR_NOT_SUPPORTED),
    GENERAL_ERROR(Gio.G_TLS_CHANNEL_BINDING_ERROR_GENERAL_ERROR),
    /** A code this binding does not know; the exception keeps the raw code. */
    UNKNOWN(-1);

    private final int code;

    TlsChannelBindingError(int code) {
        this.code = code;
    }

    /** The C value. */
    public int code() {
        return code;
    }

    /** The constant for a C value; UNKNOWN for one this binding does not know. */
    public static TlsChannelBindingError fromCode(int code) {
        for (TlsChannelBindingError value : values()) {
            if (value.code == code && value != UNKNOWN) {
                return value;
            }
        }
        return UNKNOWN;
    }
}
