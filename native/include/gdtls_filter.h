/*
 * GdtlsFilterDatagram: a GDatagramBased that sits between a DTLS connection and its base (e.g. a GSocket) and
 * asks a predicate about every datagram, so chosen datagrams can be dropped: reproducible loss for tests and
 * simulations. Plain GIO, no JNI: the parity runner links this file too, and the glue adds a Java predicate.
 */
#ifndef GDTLS_FILTER_H
#define GDTLS_FILTER_H

#include <gio/gio.h>

G_BEGIN_DECLS

#define GDTLS_DATAGRAM_OUT 0 /* sent by the connection */
#define GDTLS_DATAGRAM_IN 1  /* received by the connection */

/* What happens to a datagram: delivered or silently dropped. */
#define GDTLS_DATAGRAM_KEEP 1
#define GDTLS_DATAGRAM_DROP 2

/*
 * Decides about the serial-th datagram (1, 2, ... counted per direction) of `size` bytes. Called on the thread
 * doing the I/O (for a DTLS connection often a GLib worker). Any value but GDTLS_DATAGRAM_DROP keeps it.
 */
typedef int (*GdtlsDatagramFilterFunc)(int direction, gint64 serial, gint64 size, gpointer user_data);

/*
 * A new GdtlsFilterDatagram over `base` (it takes a reference). `destroy` is called with `user_data` when the
 * object is finalized. Sources, condition checks and waits are the base's: G_IO_IN also for a datagram the filter
 * will drop on receive (the predicate is asked only then, so serials follow receives). Returns a new reference.
 */
GDatagramBased *gdtls_filter_datagram_new(GDatagramBased *base, GdtlsDatagramFilterFunc filter,
                                          gpointer user_data, GDestroyNotify destroy);

/* The base this filter was created over (transfer none). */
GDatagramBased *gdtls_filter_datagram_get_base(GDatagramBased *filter);

/* How many datagrams were dropped so far in `direction`. */
gint64 gdtls_filter_datagram_dropped(GDatagramBased *filter, int direction);

G_END_DECLS

#endif
