package org.gdtls;

/** A GError of domain {@code G_TLS_ERROR}. */
public class TlsErrorException extends GioException {
    private static final long serialVersionUID = 1L;
    private final TlsError code;

    public TlsErrorException(int rawCode, String message) {
        super(TLS_ERROR_DOMAIN, rawCode, message);
        this.code = TlsError.fromCode(rawCode);
    }

    public TlsError code() {
        return code;
    }
}
