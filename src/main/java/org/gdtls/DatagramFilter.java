package org.gdtls;

/**
 * Decides about each datagram crossing a {@link FilteredTransport}: the way to reproduce loss (e.g. drop the
 * first ClientHello to see the backend's 1 s retransmission).
 *
 * <p>Called on the thread doing the I/O, which for a DTLS connection is often GLib's handshake worker: keep it
 * quick and never block. An exception keeps the datagram and is reported
 * ({@link Gdtls#setCallbackExceptionHandler}).
 */
@FunctionalInterface
public interface DatagramFilter {
    /** Which way a datagram goes, seen from the connection. */
    enum Direction { OUT, IN }

    /**
     * @param serial 1 for the first datagram in {@code direction}, then 2, 3, ...
     * @param length the datagram's size in bytes (on the wire, i.e. DTLS records)
     * @return false to drop the datagram silently (a dropped send still reports success to the sender)
     */
    boolean keep(Direction direction, long serial, int length);
}
