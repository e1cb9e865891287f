package org.gdtls;

/**
 * What a DTLS connection runs over: a {@code GDatagramBased}. Either a {@link UdpSocket} (a {@code GSocket}) or a
 * {@link FilteredTransport} around one. The connection keeps the transport's GObject alive while it needs it, so
 * the Java wrapper may be closed after the connection is created.
 */
public sealed interface DatagramTransport permits UdpSocket, FilteredTransport {
}
