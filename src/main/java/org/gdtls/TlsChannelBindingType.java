package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/** {@code GTlsChannelBindingType}: the kinds of channel binding data (RFC 5056, 5929, 9266). */
public enum TlsChannelBindingType {
    TLS_UNIQUE(Gio.G_TLS_CHANNEL_BINDING_TLS_UNIQUE),
    TLS_SERVER_END_POINT(Gio.G_TLS_CHANNEL_BINDING_TLS_SERVER_END_POINT),
    TLS_EXPORTER(Gio.G_TLS_CHANNEL_BINDING_TLS_EXPORTER);

    private final int code;

    TlsChannelBindingType(int code) {
        this.code = code;
    }

    /** The C value. */
    public int code() {
        return code;
    }

    /** The constant for a C value. */
    public static TlsChannelBindingType fromCode(int code) {
        for (TlsChannelBindingType value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw new IllegalArgumentException("not a GTlsChannelBindingType: " + code);
    }
}
