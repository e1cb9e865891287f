package org.gdtls;

import org.gdtls.internal.gen.global.Gio;

/**
 * {@code GIOErrorEnum}: the codes of the {@code G_IO_ERROR} domain.
 * Values come from the C header through the generated layer, and cover the newest GLib (2.90): a code an older
 * GLib lacks is simply never reported there.
 */
public enum IOErrorEnum {
    FAILED(Gio.G_IO_ERROR_FAILED),
    NOT_FOUND(Gio.G_IO_ERROR_NOT_FOUND),
    EXISTS(Gio.G_IO_ERROR_EXISTS),
    IS_DIRECTORY(Gio.G_IO_ERROR_IS_DIRECTORY),
    NOT_DIRECTORY(Gio.G_IO_ERROR_NOT_DIRECTORY),
    NOT_EMPTY(Gio.G_IO_ERROR_NOT_EMPTY),
    NOT_REGULAR_FILE(Gio.G_IO_ERROR_NOT_REGULAR_FILE),
    NOT_SYMBOLIC_LINK(Gio.G_IO_ERROR_NOT_SYMBOLIC_LINK),
    NOT_MOUNTABLE_FILE(Gio.G_IO_ERROR_NOT_MOUNTABLE_FILE),
    FILENAME_TOO_LONG(Gio.G_IO_ERROR_FILENAME_TOO_LONG),
    INVALID_FILENAME(Gio.G_IO_ERROR_INVALID_FILENAME),
    TOO_MANY_LINKS(Gio.G_IO_ERROR_TOO_MANY_LINKS),
    NO_SPACE(Gio.G_IO_ERROR_NO_SPACE),
    INVALID_ARGUMENT(Gio.G_IO_ERROR_INVALID_ARGUMENT),
    PERMISSION_DENIED(Gio.G_IO_ERROR_PERMISSION_DENIED),
    NOT_SUPPORTED(Gio.G_IO_ERROR_NOT_SUPPORTED),
    NOT_MOUNTED(Gio.G_IO_ERROR_NOT_MOUNTED),
    ALREADY_MOUNTED(Gio.G_IO_ERROR_ALREADY_MOUNTED),
    CLOSED(Gio.G_IO_ERROR_CLOSED),
    CANCELLED(Gio.G_IO_ERROR_CANCELLED),
    PENDING(Gio.G_IO_ERROR_PENDING),
    READ_ONLY(Gio.G_IO_ERROR_READ_ONLY),
    CANT_CREATE_BACKUP(Gio.G_IO_ERROR_CANT_CREATE_BACKUP),
    WRONG_ETAG(Gio.G_IO_ERROR_WRONG_ETAG),
    TIMED_OUT(Gio.G_IO_ERROR_TIMED_OUT),
    WOULD_RECURSE(Gio.G_IO_ERROR_WOULD_RECURSE),
    BUSY(Gio.G_IO_ERROR_BUSY),
    WOULD_BLOCK(Gio.G_IO_ERROR_WOULD_BLOCK),
    HOST_NOT_FOUND(Gio.G_IO_ERROR_HOST_NOT_FOUND),
    WOULD_MERGE(Gio.G_IO_ERROR_WOULD_MERGE),
    FAILED_HANDLED(Gio.G_IO_ERROR_FAILED_HANDLED),
    TOO_MANY_OPEN_FILES(Gio.G_IO_ERROR_TOO_MANY_OPEN_FILES),
    NOT_INITIALIZED(Gio.G_IO_ERROR_NOT_INITIALIZED),
    ADDRESS_IN_USE(Gio.G_IO_ERROR_ADDRESS_IN_USE),
    PARTIAL_INPUT(Gio.G_IO_ERROR_PARTIAL_INPUT),
    INVALID_DATA(Gio.G_IO_ERROR_INVALID_DATA),
    DBUS_ERROR(Gio.G_IO_ERROR_DBUS_ERROR),
    HOST_UNREACHABLE(Gio.G_IO_ERROR_HOST_UNREACHABLE),
    NETWORK_UNREACHABLE(Gio.G_IO_ERROR_NETWORK_UNREACHABLE),
    CONNECTION_REFUSED(Gio.G_IO_ERROR_CONNECTION_REFUSED),
    PROXY_FAILED(Gio.G_IO_ERROR_PROXY_FAILED),
    PROXY_AUTH_FAILED(Gio.G_IO_ERROR_PROXY_AUTH_FAILED),
    PROXY_NEED_AUTH(Gio.G_IO_ERROR_PROXY_NEED_AUTH),
    PROXY_NOT_ALLOWED(Gio.G_IO_ERROR_PROXY_NOT_ALLOWED),
    BROKEN_PIPE(Gio.G_IO_ERROR_BROKEN_PIPE),
    CONNECTION_CLOSED(Gio.G_IO_ERROR_CONNECTION_CLOSED),
    NOT_CONNECTED(Gio.G_IO_ERROR_NOT_CONNECTED),
    MESSAGE_TOO_LARGE(Gio.G_IO_ERROR_MESSAGE_TOO_LARGE),
    NO_SUCH_DEVICE(Gio.G_IO_ERROR_NO_SUCH_DEVICE),
    /**
     * GLib 2.80 and later. Its value ({@code G_IO_ERROR_BROKEN_PIPE + 4}) is written out: the generated layer may
     * come from older headers. EnumsTest checks it against the header of any GLib that has it.
     */
    DESTINATION_UNSET(48),
    /** A code this binding does not know; the exception keeps the raw code. */
    UNKNOWN(-1);

    private final int code;

    IOErrorEnum(int code) {
        this.code = code;
    }

    /** The C value of GIOErrorEnum. */
    public int code() {
        return code;
    }

    public static IOErrorEnum fromCode(int code) {
        for (IOErrorEnum value : values()) {
            if (value.code == code && value != UNKNOWN) {
                return value;
            }
        }
        return UNKNOWN;
    }
}
