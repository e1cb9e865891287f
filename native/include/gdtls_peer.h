/*
 * GdtlsPeerDatagram: a GDatagramBased for one remote peer of a shared, unconnected GSocket, so one UDP port can
 * serve many DTLS peers. Sends go straight to the peer's address through the socket. Receives come from a
 * queue that the application fills with gdtls_peer_datagram_deliver() after reading the socket itself and
 * demultiplexing by sender. Plain GIO, no JNI.
 */
#ifndef GDTLS_PEER_H
#define GDTLS_PEER_H

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A new peer transport for `peer` over `socket` (it takes a reference on both). At most `capacity` datagrams wait
 * in its queue; a datagram delivered to a full queue is dropped, as a full socket buffer would. Returns a new
 * reference.
 */
GDatagramBased *gdtls_peer_datagram_new(GSocket *socket, GSocketAddress *peer, guint capacity);

/*
 * Queues a copy of `size` bytes as the next datagram from the peer, waking its readers and sources. Thread-safe.
 * Returns FALSE if the datagram was dropped (queue full, or the transport was shut).
 */
gboolean gdtls_peer_datagram_deliver(GDatagramBased *peer, gconstpointer data, gsize size);

/* Ends the transport: waiting and later receives fail with G_IO_ERROR_CLOSED once the queue is empty. */
void gdtls_peer_datagram_shut(GDatagramBased *peer);

/* Datagrams dropped because the queue was full. */
guint64 gdtls_peer_datagram_dropped(GDatagramBased *peer);

G_END_DECLS

#endif
