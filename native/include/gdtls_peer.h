/*
 * GdtlsPeerDatagram: a GDatagramBased whose receives come from a queue that the application fills with
 * gdtls_peer_datagram_deliver(), and whose sends go either
 *  - to one remote peer of a shared, unconnected GSocket (so one UDP port can serve many DTLS peers: the
 *    application reads the socket itself and demultiplexes by sender), or
 *  - to a send function (DTLS over any carrier the application has: an ICE stack, a tunnel, memory).
 * Timeouts, cancellation, sources and condition waits are implemented here, as GSocket does them: G_IO_IN while a
 * datagram is queued or the transport is shut, G_IO_OUT when the shared socket is writable (always with a send
 * function); a condition wait sleeps until a delivery, the shut, the timeout (0: TIMED_OUT at once, as GSocket) or
 * the cancellable (CANCELLED first if it already is, as GSocket). Plain GIO, no JNI.
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
 * Sends one datagram of `size` bytes (contiguous: vectors are gathered first). Returns FALSE with `error` set on
 * failure. Called on the thread doing the I/O, often a GLib worker.
 */
typedef gboolean (*GdtlsDatagramSendFunc)(gconstpointer data, gsize size, gpointer user_data, GError **error);

/*
 * A new transport whose sends call `send` (with `user_data`; `destroy` is called with it on finalize) and whose
 * receives come from its queue (at most `capacity` datagrams). Always writable. Returns a new reference.
 */
GDatagramBased *gdtls_peer_datagram_new_with_sender(GdtlsDatagramSendFunc send, gpointer user_data,
                                                    GDestroyNotify destroy, guint capacity);

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
