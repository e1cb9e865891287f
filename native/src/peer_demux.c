/* GdtlsPeerDemux (gdtls_demux.h): one reader of a shared GSocket queues each datagram on its sender's
 * GdtlsPeerDatagram. Senders are keyed by their raw address bytes; the table is guarded by a mutex that the
 * reader holds only while it hands over one batch. */
#include "gdtls_demux.h"
#include "gdtls_peer.h"

#include <gio/gnetworking.h>
#include <string.h>

#define BATCH 16
#define DTLS_RECORD_HEADER 13 /* type, version (2), epoch (2), sequence number (6), length (2) */

/* A sender as the kernel gives it: the family, port, address and (IPv6) scope id, zero-padded. */
typedef struct {
  guint16 family;
  guint16 port;
  guint32 scope_id;
  guint8 address[16];
} PeerKey;

typedef struct {
  PeerKey key;
  GDatagramBased *peer;  /* a reference */
  gint64 last_seen;      /* g_get_monotonic_time of its last datagram, or of its registration */
} Entry;

typedef struct {
  GObject parent;
  GSocket *socket;
  GMutex lock;               /* guards `by_key`, `by_peer` and `counters` */
  GHashTable *by_key;        /* PeerKey* -> Entry* (owns the entries) */
  GHashTable *by_peer;       /* GDatagramBased* -> Entry* */
  guint64 counters[GDTLS_DEMUX_COUNTER_COUNT];
  gint reading;              /* 1 while a thread is in gdtls_peer_demux_receive */
  /* The batch being handed over; a ClientHello from a new sender interrupts it, the next call goes on. */
  GInputMessage messages[BATCH];
  GInputVector vectors[BATCH];
  GSocketAddress *senders[BATCH];
  guint8 *buffers;           /* BATCH * GDTLS_DEMUX_MAX_DATAGRAM bytes */
  guint batch_size;
  guint batch_next;
} GdtlsPeerDemux;

typedef struct {
  GObjectClass parent_class;
} GdtlsPeerDemuxClass;

G_DEFINE_TYPE(GdtlsPeerDemux, gdtls_peer_demux, G_TYPE_OBJECT)

#define SELF(o) ((GdtlsPeerDemux *) (o))
#define IS_DEMUX(o) G_TYPE_CHECK_INSTANCE_TYPE((o), gdtls_peer_demux_get_type())

static guint key_hash(gconstpointer p)
{
  const guint8 *bytes = p;
  guint32 h = 2166136261u; /* FNV-1a */
  for (gsize i = 0; i < sizeof(PeerKey); i++)
    h = (h ^ bytes[i]) * 16777619u;
  return h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
  return memcmp(a, b, sizeof(PeerKey)) == 0;
}

static gboolean key_of(GSocketAddress *address, PeerKey *key)
{
  struct sockaddr_storage native;
  memset(key, 0, sizeof *key);
  if (address == NULL || !g_socket_address_to_native(address, &native, sizeof native, NULL))
    return FALSE;
  if (native.ss_family == AF_INET) {
    struct sockaddr_in *v4 = (struct sockaddr_in *) &native;
    key->family = AF_INET;
    key->port = v4->sin_port;
    memcpy(key->address, &v4->sin_addr, 4);
    return TRUE;
  }
  if (native.ss_family == AF_INET6) {
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) &native;
    key->family = AF_INET6;
    key->port = v6->sin6_port;
    key->scope_id = v6->sin6_scope_id;
    memcpy(key->address, &v6->sin6_addr, 16);
    return TRUE;
  }
  return FALSE;
}

static void entry_free(gpointer data)
{
  Entry *entry = data;
  gdtls_peer_datagram_shut(entry->peer); /* its connection's receives end with CLOSED once the queue is empty */
  g_object_unref(entry->peer);
  g_free(entry);
}

/*
 * Whether a datagram from an unknown sender may open a session: a DTLS handshake record (type 22, version major
 * 254, epoch 0) whose first message is a ClientHello (type 1). Anything else would only make the server answer
 * a stranger.
 */
static gboolean opens_with_client_hello(const guint8 *data, gsize size)
{
  return size >= 25 && data[0] == 22 && data[1] == 254 && data[3] == 0 && data[4] == 0 && data[13] == 1;
}

/* Hands datagram `i` of the batch to its sender's transport; FALSE if it is a ClientHello from a new sender. */
static gboolean hand_over(GdtlsPeerDemux *self, guint i, gint64 now)
{
  GInputMessage *m = &self->messages[i];
  const guint8 *data = self->vectors[i].buffer;
  gsize size = MIN(m->bytes_received, GDTLS_DEMUX_MAX_DATAGRAM);
  PeerKey key;
  gboolean known_address = key_of(self->senders[i], &key);
  g_mutex_lock(&self->lock);
  self->counters[GDTLS_DEMUX_RECEIVED]++;
  if (size < DTLS_RECORD_HEADER) { /* see gdtls_demux.h: GnuTLS would end the session, or lose the next record */
    self->counters[GDTLS_DEMUX_SHORT]++;
    g_mutex_unlock(&self->lock);
    return TRUE;
  }
  Entry *entry = known_address ? g_hash_table_lookup(self->by_key, &key) : NULL;
  if (entry != NULL) {
    entry->last_seen = now;
    /* Under the lock: a transport removed meanwhile is never delivered to. deliver takes only the peer's lock. */
    gboolean queued = gdtls_peer_datagram_deliver(entry->peer, data, size);
    self->counters[queued ? GDTLS_DEMUX_DELIVERED : GDTLS_DEMUX_QUEUE_FULL]++;
    g_mutex_unlock(&self->lock);
    return TRUE;
  }
  gboolean hello = known_address && opens_with_client_hello(data, size);
  self->counters[hello ? GDTLS_DEMUX_HELLOS : GDTLS_DEMUX_STRAY]++;
  g_mutex_unlock(&self->lock);
  return !hello;
}

static void clear_batch(GdtlsPeerDemux *self)
{
  for (guint i = 0; i < BATCH; i++)
    g_clear_object(&self->senders[i]);
  self->batch_size = 0;
  self->batch_next = 0;
}

static gssize receive_batch(GdtlsPeerDemux *self, guint8 *buffer, gsize size, GSocketAddress **sender,
                            gint64 timeout, GCancellable *cancellable, GError **error)
{
  gint64 deadline = timeout > 0 ? g_get_monotonic_time() + timeout : 0;
  for (;;) {
    gint64 now = g_get_monotonic_time();
    while (self->batch_next < self->batch_size) {
      guint i = self->batch_next++;
      if (hand_over(self, i, now))
        continue;
      gsize length = MIN(self->messages[i].bytes_received, GDTLS_DEMUX_MAX_DATAGRAM);
      memcpy(buffer, self->vectors[i].buffer, MIN(length, size));
      *sender = g_steal_pointer(&self->senders[i]);
      return (gssize) length;
    }
    clear_batch(self);
    gint64 wait = timeout;
    if (timeout > 0 && (wait = deadline - g_get_monotonic_time()) <= 0) {
      /* Bounds the whole call, so that steady traffic for known peers still gives the caller its turn. */
      g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
      return -1;
    }
    for (guint i = 0; i < BATCH; i++) {
      self->vectors[i].buffer = self->buffers + (gsize) i * GDTLS_DEMUX_MAX_DATAGRAM;
      self->vectors[i].size = GDTLS_DEMUX_MAX_DATAGRAM;
      self->messages[i] = (GInputMessage) {
        .address = &self->senders[i], .vectors = &self->vectors[i], .num_vectors = 1,
      };
    }
    /*
     * Waits first, then takes what is queued without waiting: given a timeout, GSocket's receive_messages keeps
     * waiting until the whole batch is full or the timeout is over (gsocket.c, 2.74 to 2.88), which would hold
     * each handshake flight back by the caller's timeout.
     */
    if (wait != 0 && !g_socket_condition_timed_wait(self->socket, G_IO_IN, wait, cancellable, error))
      return -1;
    GError *local = NULL;
    gint n = g_datagram_based_receive_messages(G_DATAGRAM_BASED(self->socket), self->messages, BATCH, 0, 0,
                                               cancellable, &local);
    if (n < 0 && wait != 0 && g_error_matches(local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_error_free(local); /* readable, then taken by nobody else: e.g. a datagram with a bad checksum */
      continue;
    }
    if (n < 0) {
      g_propagate_error(error, local);
      return -1;
    }
    self->batch_size = (guint) n;
  }
}

__attribute__((visibility("default")))
gssize gdtls_peer_demux_receive(GObject *demux, guint8 *buffer, gsize size, GSocketAddress **sender, gint64 timeout,
                                GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail(IS_DEMUX(demux), -1);
  g_return_val_if_fail(buffer != NULL || size == 0, -1);
  g_return_val_if_fail(sender != NULL, -1);
  GdtlsPeerDemux *self = SELF(demux);
  *sender = NULL;
  if (!g_atomic_int_compare_and_exchange(&self->reading, 0, 1)) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_BUSY, "Another thread is reading the shared socket");
    return -1;
  }
  gssize result = receive_batch(self, buffer, size, sender, timeout, cancellable, error);
  g_atomic_int_set(&self->reading, 0);
  return result;
}

__attribute__((visibility("default")))
GDatagramBased *gdtls_peer_demux_add(GObject *demux, GSocketAddress *peer, guint capacity)
{
  g_return_val_if_fail(IS_DEMUX(demux), NULL);
  g_return_val_if_fail(G_IS_INET_SOCKET_ADDRESS(peer), NULL);
  g_return_val_if_fail(capacity > 0, NULL);
  GdtlsPeerDemux *self = SELF(demux);
  Entry *entry = g_new0(Entry, 1);
  if (!key_of(peer, &entry->key)) {
    g_free(entry);
    return NULL;
  }
  g_mutex_lock(&self->lock);
  if (g_hash_table_contains(self->by_key, &entry->key)) {
    g_mutex_unlock(&self->lock);
    g_free(entry);
    return NULL;
  }
  entry->peer = gdtls_peer_datagram_new(self->socket, peer, capacity);
  entry->last_seen = g_get_monotonic_time();
  g_hash_table_insert(self->by_key, &entry->key, entry);
  g_hash_table_insert(self->by_peer, entry->peer, entry);
  self->counters[GDTLS_DEMUX_PEERS]++;
  GDatagramBased *result = g_object_ref(entry->peer);
  g_mutex_unlock(&self->lock);
  return result;
}

__attribute__((visibility("default")))
gboolean gdtls_peer_demux_remove(GObject *demux, GDatagramBased *peer)
{
  g_return_val_if_fail(IS_DEMUX(demux), FALSE);
  GdtlsPeerDemux *self = SELF(demux);
  g_mutex_lock(&self->lock);
  Entry *entry = g_hash_table_lookup(self->by_peer, peer);
  if (entry != NULL) {
    g_hash_table_remove(self->by_peer, peer);
    g_hash_table_steal(self->by_key, &entry->key);
    self->counters[GDTLS_DEMUX_PEERS]--;
  }
  g_mutex_unlock(&self->lock);
  if (entry != NULL)
    entry_free(entry); /* outside the lock: the shut wakes the peer's readers */
  return entry != NULL;
}

__attribute__((visibility("default")))
guint gdtls_peer_demux_collect_idle(GObject *demux, gint64 idle_usec, GDatagramBased **out, guint max)
{
  g_return_val_if_fail(IS_DEMUX(demux), 0);
  g_return_val_if_fail(out != NULL || max == 0, 0);
  GdtlsPeerDemux *self = SELF(demux);
  gint64 now = g_get_monotonic_time();
  guint found = 0;
  GHashTableIter iter;
  gpointer value;
  g_mutex_lock(&self->lock);
  g_hash_table_iter_init(&iter, self->by_key);
  while (found < max && g_hash_table_iter_next(&iter, NULL, &value)) {
    Entry *entry = value;
    if (now - entry->last_seen >= idle_usec)
      out[found++] = entry->peer;
  }
  g_mutex_unlock(&self->lock);
  return found;
}

__attribute__((visibility("default")))
void gdtls_peer_demux_counters(GObject *demux, guint64 *out, guint count)
{
  g_return_if_fail(IS_DEMUX(demux));
  g_return_if_fail(out != NULL || count == 0);
  GdtlsPeerDemux *self = SELF(demux);
  g_mutex_lock(&self->lock);
  memcpy(out, self->counters, MIN(count, (guint) GDTLS_DEMUX_COUNTER_COUNT) * sizeof(guint64));
  g_mutex_unlock(&self->lock);
}

__attribute__((visibility("default")))
GObject *gdtls_peer_demux_new(GSocket *socket)
{
  g_return_val_if_fail(G_IS_SOCKET(socket), NULL);
  GdtlsPeerDemux *self = g_object_new(gdtls_peer_demux_get_type(), NULL);
  self->socket = g_object_ref(socket);
  return G_OBJECT(self);
}

static void gdtls_peer_demux_finalize(GObject *object)
{
  GdtlsPeerDemux *self = SELF(object);
  clear_batch(self);
  g_hash_table_destroy(self->by_peer);
  g_hash_table_destroy(self->by_key); /* frees the entries: shuts and unrefs their transports */
  g_free(self->buffers);
  g_clear_object(&self->socket);
  g_mutex_clear(&self->lock);
  G_OBJECT_CLASS(gdtls_peer_demux_parent_class)->finalize(object);
}

static void gdtls_peer_demux_class_init(GdtlsPeerDemuxClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = gdtls_peer_demux_finalize;
}

static void gdtls_peer_demux_init(GdtlsPeerDemux *self)
{
  g_mutex_init(&self->lock);
  self->by_key = g_hash_table_new_full(key_hash, key_equal, NULL, entry_free);
  self->by_peer = g_hash_table_new(g_direct_hash, g_direct_equal);
  self->buffers = g_malloc((gsize) BATCH * GDTLS_DEMUX_MAX_DATAGRAM);
}
