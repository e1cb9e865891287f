package org.gdtls;

/**
 * GLib/GIO or its TLS backend (glib-networking) cannot be used on this machine. The message names the package
 * to install. Thrown by the first use of the binding, and by every use after it.
 */
public class GioUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GioUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
