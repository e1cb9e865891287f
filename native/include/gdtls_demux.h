/*
 * GdtlsPeerDemux: the read side of one unconnected GSocket that many DTLS peers share. It receives datagrams in
 * batches (g_socket_receive_messages) and queues each on the GdtlsPeerDatagram (gdtls_peer.h) registered for its
 * sender, all in C: the steady state crosses into Java not once per datagram. Only a datagram from a sender with no
 * transport that opens with a ClientHello is handed to the caller, who decides whether to admit that sender; any
 * other datagram from an unregistered sender is dropped without a reply, and counted. So is a datagram shorter than
 * a DTLS record header (13 bytes), from anyone: it holds no record, and GIO would let it hurt the peer's session.
 * glib-networking's GnuTLS pull function passes an empty one's length 0 to GnuTLS as the end of the stream, which
 * invalidates the session; a shorter header costs the next record (README, "What forged datagrams can and cannot
 * do"; C the same). Plain GIO, no JNI.
 */
#ifndef GDTLS_DEMUX_H
#define GDTLS_DEMUX_H

#include <gio/gio.h>

G_BEGIN_DECLS

/* The counters of gdtls_peer_demux_counters, in this order. */
typedef enum {
  GDTLS_DEMUX_RECEIVED = 0,      /* datagrams read from the socket */
  GDTLS_DEMUX_DELIVERED = 1,     /* queued on their sender's transport */
  GDTLS_DEMUX_QUEUE_FULL = 2,    /* dropped: their sender's queue was full (or it was being shut) */
  GDTLS_DEMUX_STRAY = 3,         /* dropped: no transport for the sender, and not a ClientHello */
  GDTLS_DEMUX_HELLOS = 4,        /* returned to the caller: a ClientHello from a sender with no transport */
  GDTLS_DEMUX_PEERS = 5,         /* transports registered now */
  GDTLS_DEMUX_SHORT = 6,         /* dropped: shorter than a DTLS record header (13 bytes), whoever sent them */
  GDTLS_DEMUX_COUNTER_COUNT = 7
} GdtlsDemuxCounter;

/* The largest datagram the demultiplexer reads whole; longer ones are truncated, as by any UDP read. */
#define GDTLS_DEMUX_MAX_DATAGRAM 65535

/* A new demultiplexer reading `socket` (it takes a reference). A GObject: g_object_unref releases it. */
GObject *gdtls_peer_demux_new(GSocket *socket);

/*
 * Reads the socket and delivers datagrams until one arrives from a sender with no registered transport and opens
 * with a DTLS ClientHello: that one is copied into `buffer` (truncated to `size`), its sender stored in `*sender`
 * (a new reference), and its full length returned. The rest of a batch read is kept for the next call.
 * `timeout` is GIO's (microseconds; -1 blocks, 0 does not wait) and bounds the whole call, however much traffic
 * for registered peers it hands over meanwhile. Returns -1 with `error` set: TIMED_OUT or WOULD_BLOCK, CANCELLED, CLOSED once the socket is closed, or
 * BUSY if another thread is in this call (only one reader may run).
 */
gssize gdtls_peer_demux_receive(GObject *demux, guint8 *buffer, gsize size, GSocketAddress **sender, gint64 timeout,
                                GCancellable *cancellable, GError **error);

/*
 * A new GdtlsPeerDatagram for `peer` over the demultiplexer's socket (queue of `capacity`), registered so that the
 * peer's datagrams are queued on it from now on. Returns a new reference (the demultiplexer keeps one of its
 * own), or NULL if a transport is already registered for `peer`.
 */
GDatagramBased *gdtls_peer_demux_add(GObject *demux, GSocketAddress *peer, guint capacity);

/* Unregisters `peer` and shuts it (gdtls_peer_datagram_shut); FALSE if it was not registered. */
gboolean gdtls_peer_demux_remove(GObject *demux, GDatagramBased *peer);

/*
 * Stores in `out` (at most `max`) the registered transports whose sender has sent nothing for `idle_usec`
 * microseconds or more (counting from registration), and returns how many. Transfer none: each stays valid while
 * the caller holds a reference of its own.
 */
guint gdtls_peer_demux_collect_idle(GObject *demux, gint64 idle_usec, GDatagramBased **out, guint max);

/* Copies the counters (GdtlsDemuxCounter order) into `out`, at most `count` of them. */
void gdtls_peer_demux_counters(GObject *demux, guint64 *out, guint count);

G_END_DECLS

#endif
