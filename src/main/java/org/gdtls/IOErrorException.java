package org.gdtls;

/** A GError of domain {@code G_IO_ERROR}. */
public class IOErrorException extends GioException {
    private static final long serialVersionUID = 1L;
    private final IOErrorEnum code;

    public IOErrorException(int rawCode, String message) {
        super(IO_ERROR_DOMAIN, rawCode, message);
        this.code = IOErrorEnum.fromCode(rawCode);
    }

    public IOErrorEnum code() {
        return code;
    }
}
