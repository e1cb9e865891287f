package org.gdtls;

/** A GError of domain {@code G_TLS_CHANNEL_BINDING_ERROR}. */
public class TlsChannelBindingErrorException extends GioException {
    private static final long serialVersionUID = 1L;
    private final TlsChannelBindingError code;

    public TlsChannelBindingErrorException(int rawCode, String message) {
        super(TLS_CHANNEL_BINDING_ERROR_DOMAIN, rawCode, message);
        this.code = TlsChannelBindingError.fromCode(rawCode);
    }

    public TlsChannelBindingError code() {
        return code;
    }
}
