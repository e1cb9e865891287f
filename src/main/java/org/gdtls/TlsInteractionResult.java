package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/** {@code GTlsInteractionResult}: what a {@link TlsInteraction} did with a request. */
public enum TlsInteractionResult {
    UNHANDLED(Gio.G_TLS_INTERACTION_UNHANDLED),
    HANDLED(Gio.G_TLS_INTERACTION_HANDLED),
    FAILED(Gio.G_TLS_INTERACTION_FAILED);

    private final int code;

    TlsInteractionResult(int code) {
        this.code = code;
    }

    /** The C value. */
    public int code() {
        return code;
    }

    /** The constant for a C value. */
    public static TlsInteractionResult fromCode(int code) {
        for (TlsInteractionResult value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw new IllegalArgumentException("not a GTlsInteractionResult: " + code);
    }
}
