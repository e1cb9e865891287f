package org.gdtls;

import java.io.IOException;

/**
 * A {@code GError} from GLib/GIO, kept whole: its domain (the quark's name, e.g. {@code g-tls-error-quark}), its
 * raw code and its message. Errors of known domains arrive as a subclass whose {@code code()} is an enum:
 * {@link TlsErrorException} ({@link TlsError}), {@link IOErrorException} ({@link IOErrorEnum}) and
 * {@link TlsChannelBindingErrorException} ({@link TlsChannelBindingError}).
 */
public class GioException extends IOException {
    private static final long serialVersionUID = 1L;

    public static final String TLS_ERROR_DOMAIN = "g-tls-error-quark";
    public static final String IO_ERROR_DOMAIN = "g-io-error-quark";
    public static final String TLS_CHANNEL_BINDING_ERROR_DOMAIN = "g-tls-channel-binding-error-quark";

    private final String domain;
    private final int rawCode;

    protected GioException(String domain, int rawCode, String message) {
        super(message);
        this.domain = domain;
        this.rawCode = rawCode;
    }

    /** The exception for a GError of this domain and code; never drops an unknown domain or code. */
    public static GioException of(String domain, int code, String message) {
        switch (domain) {
            case TLS_ERROR_DOMAIN:
                return new TlsErrorException(code, message);
            case IO_ERROR_DOMAIN:
                return new IOErrorException(code, message);
            case TLS_CHANNEL_BINDING_ERROR_DOMAIN:
                return new TlsChannelBindingErrorException(code, message);
            default:
                return new GioException(domain, code, message);
        }
    }

    /** The GError domain's quark string, e.g. {@code g-io-error-quark}. */
    public String domain() {
        return domain;
    }

    /** The GError code as GIO returned it, also for codes this binding does not know. */
    public int rawCode() {
        return rawCode;
    }

    @Override
    public String toString() {
        return getClass().getName() + ": [" + domain + " " + rawCode + "] " + getMessage();
    }
}
