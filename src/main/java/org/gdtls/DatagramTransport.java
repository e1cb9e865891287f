package org.gdtls;

/**
 * What a DTLS connection runs over: a {@code GDatagramBased}. A {@link UdpSocket} (a {@code GSocket}) connected to
 * its one peer, a {@link FilteredTransport} around a transport, a {@link PeerTransport} for one peer of a shared
 * socket, or a {@link CustomTransport} over a carrier of the application's own. The connection keeps the transport's GObject alive while it needs it, so
 * the Java wrapper may be closed after the connection is created.
 */
public sealed interface DatagramTransport permits UdpSocket, FilteredTransport, QueuedTransport {
}
