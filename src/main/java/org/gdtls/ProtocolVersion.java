package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/** {@code GTlsProtocolVersion}. */
public enum ProtocolVersion {
    UNKNOWN(Gio.G_TLS_PROTOCOL_VERSION_UNKNOWN),
    SSL_3_0(Gio.G_TLS_PROTOCOL_VERSION_SSL_3_0),
    TLS_1_0(Gio.G_TLS_PROTOCOL_VERSION_TLS_1_0),
    TLS_1_1(Gio.G_TLS_PROTOCOL_VERSION_TLS_1_1),
    TLS_1_2(Gio.G_TLS_PROTOCOL_VERSION_TLS_1_2),
    TLS_1_3(Gio.G_TLS_PROTOCOL_VERSION_TLS_1_3),
    DTLS_1_0(Gio.G_TLS_PROTOCOL_VERSION_DTLS_1_0),
    DTLS_1_2(Gio.G_TLS_PROTOCOL_VERSION_DTLS_1_2);

    private static final ProtocolVersion[] ALL = values(); // values() copies the array on every call
    private final int code;

    ProtocolVersion(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** A value GIO added after this binding was built reads as {@link #UNKNOWN}, as GIO itself documents. */
    public static ProtocolVersion fromCode(int code) {
        for (ProtocolVersion v : ALL) {
            if (v.code == code) {
                return v;
            }
        }
        return UNKNOWN;
    }
}
