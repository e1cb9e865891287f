/* GdtlsPeerDatagram (gdtls_peer.h): receives pop a queue the application fills; sends go to one peer of a shared
 * GSocket or to a send function. Readers wait on a GCond; sources are woken with ready-time 0; a condition wait
 * that also needs the shared socket writable polls the socket with a cancellable that a delivery cancels. */
#include "gdtls_peer.h"

#include <string.h>

typedef struct {
  GObject parent;
  GSocket *socket;                 /* sends to `peer` through this shared socket, or */
  GSocketAddress *peer;
  GdtlsDatagramSendFunc send;      /* sends through this function */
  gpointer send_data;
  GDestroyNotify send_destroy;
  guint capacity;
  GMutex lock;        /* guards everything below */
  GCond changed;      /* a datagram arrived, the transport was shut, or a waiter's cancellable fired */
  GQueue queue;       /* GBytes*, oldest first */
  gboolean shut;
  guint64 dropped;
  GSList *sources;    /* PeerSource* alive, to wake on delivery */
  GSList *wakes;      /* GCancellable* of condition waits polling the shared socket, cancelled on delivery */
} GdtlsPeerDatagram;

typedef struct {
  GObjectClass parent_class;
} GdtlsPeerDatagramClass;

static void gdtls_peer_datagram_iface_init(GDatagramBasedInterface *iface);

G_DEFINE_TYPE_WITH_CODE(GdtlsPeerDatagram, gdtls_peer_datagram, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(G_TYPE_DATAGRAM_BASED, gdtls_peer_datagram_iface_init))

#define SELF(o) ((GdtlsPeerDatagram *) (o))
#define IS_PEER(o) G_TYPE_CHECK_INSTANCE_TYPE((o), gdtls_peer_datagram_get_type())

/* ---- readiness (lock held) ---- */

static GIOCondition ready_locked(GdtlsPeerDatagram *self, GIOCondition condition)
{
  GIOCondition ready = 0;
  if (self->queue.length > 0 || self->shut)
    ready |= G_IO_IN; /* after shut, a receive returns at once (CLOSED) */
  if (condition & G_IO_OUT)
    ready |= self->socket != NULL ? g_socket_condition_check(self->socket, G_IO_OUT) : G_IO_OUT;
  return ready & (condition | G_IO_ERR | G_IO_HUP);
}

static void wake_locked(GdtlsPeerDatagram *self)
{
  g_cond_broadcast(&self->changed);
  for (GSList *l = self->sources; l != NULL; l = l->next)
    g_source_set_ready_time(l->data, 0);
  /* No handler is connected to these: cancelling one only writes its wakeup fd, so it is safe under the lock. */
  for (GSList *l = self->wakes; l != NULL; l = l->next)
    g_cancellable_cancel(l->data);
}

static void on_waiter_cancelled(GCancellable *cancellable, gpointer data)
{
  GdtlsPeerDatagram *self = data;
  g_mutex_lock(&self->lock);
  g_cond_broadcast(&self->changed);
  g_mutex_unlock(&self->lock);
}

/*
 * Waits (lock held) until ready_locked(condition) reports something, as GIO's timeout argument says: -1 blocks,
 * 0 fails at once with `zero_code`, otherwise TIMED_OUT after that many microseconds. The cancellable is checked
 * while nothing is ready (its handler broadcasts `changed`, see wait_until_ready).
 */
static gboolean wait_until_ready_locked(GdtlsPeerDatagram *self, GIOCondition condition, gint64 timeout,
                                        GIOErrorEnum zero_code, GCancellable *cancellable, GError **error)
{
  gint64 deadline = timeout > 0 ? g_get_monotonic_time() + timeout : 0;
  while (ready_locked(self, condition) == 0) {
    if (g_cancellable_set_error_if_cancelled(cancellable, error))
      return FALSE;
    if (timeout == 0) {
      g_set_error_literal(error, G_IO_ERROR, zero_code,
                          zero_code == G_IO_ERROR_WOULD_BLOCK ? "Operation would block" : "Socket I/O timed out");
      return FALSE;
    }
    if (timeout < 0)
      g_cond_wait(&self->changed, &self->lock);
    else if (!g_cond_wait_until(&self->changed, &self->lock, deadline) && ready_locked(self, condition) == 0) {
      g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
      return FALSE;
    }
  }
  return TRUE;
}

/* wait_until_ready_locked with the lock taken, and the cancellable able to wake the wait. */
static gboolean wait_until_ready(GdtlsPeerDatagram *self, GIOCondition condition, gint64 timeout,
                                 GIOErrorEnum zero_code, GCancellable *cancellable, GError **error)
{
  /* Connected before taking the lock: g_cancellable_connect runs the handler at once if already cancelled. */
  gulong handler = cancellable != NULL && timeout != 0
      ? g_cancellable_connect(cancellable, G_CALLBACK(on_waiter_cancelled), self, NULL) : 0;
  g_mutex_lock(&self->lock);
  gboolean ok = wait_until_ready_locked(self, condition, timeout, zero_code, cancellable, error);
  g_mutex_unlock(&self->lock);
  if (handler != 0)
    g_cancellable_disconnect(cancellable, handler);
  return ok;
}

/* A receive waits for a datagram or the shut; with timeout 0 it fails with WOULD_BLOCK, as a socket's receive. */
static gboolean wait_readable(GdtlsPeerDatagram *self, gint64 timeout, GCancellable *cancellable, GError **error)
{
  return wait_until_ready(self, G_IO_IN, timeout, G_IO_ERROR_WOULD_BLOCK, cancellable, error);
}

/* ---- GDatagramBased ---- */

static gsize scatter(GBytes *datagram, GInputMessage *message)
{
  gsize size;
  const guint8 *data = g_bytes_get_data(datagram, &size);
  gsize copied = 0;
  for (guint j = 0; j < message->num_vectors && copied < size; j++) {
    gsize n = MIN(message->vectors[j].size, size - copied);
    memcpy(message->vectors[j].buffer, data + copied, n);
    copied += n;
  }
  return copied; /* beyond the vectors, the datagram is truncated, as a socket truncates it */
}

static gint peer_receive_messages(GDatagramBased *datagram_based, GInputMessage *messages, guint num_messages,
                                  gint flags, gint64 timeout, GCancellable *cancellable, GError **error)
{
  GdtlsPeerDatagram *self = SELF(datagram_based);
  if (flags != 0) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Receive flags %d are not supported", flags);
    return -1;
  }
  if (num_messages == 0)
    return 0;
  if (!wait_readable(self, timeout, cancellable, error))
    return -1;

  g_mutex_lock(&self->lock);
  if (self->queue.length == 0) { /* shut, and nothing left */
    g_mutex_unlock(&self->lock);
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Peer transport is shut");
    return -1;
  }
  guint received = 0;
  while (received < num_messages && self->queue.length > 0) {
    GBytes *datagram = g_queue_pop_head(&self->queue);
    GInputMessage *m = &messages[received++];
    m->bytes_received = scatter(datagram, m);
    m->flags = 0;
    if (m->address != NULL)
      *m->address = self->peer != NULL ? g_object_ref(self->peer) : NULL;
    if (m->control_messages != NULL) {
      *m->control_messages = NULL;
      *m->num_control_messages = 0;
    }
    g_bytes_unref(datagram);
  }
  g_mutex_unlock(&self->lock);
  return (gint) received;
}

/* One message through the send function; vectors are gathered when there is more than one. */
static gboolean send_through_function(GdtlsPeerDatagram *self, GOutputMessage *message, GError **error)
{
  gsize size = 0;
  for (guint j = 0; j < message->num_vectors; j++)
    size += message->vectors[j].size;
  gboolean ok;
  if (message->num_vectors == 1) {
    ok = self->send(message->vectors[0].buffer, size, self->send_data, error);
  } else {
    guint8 *gathered = g_malloc(size ? size : 1);
    gsize at = 0;
    for (guint j = 0; j < message->num_vectors; j++) {
      memcpy(gathered + at, message->vectors[j].buffer, message->vectors[j].size);
      at += message->vectors[j].size;
    }
    ok = self->send(gathered, size, self->send_data, error);
    g_free(gathered);
  }
  if (!ok && error != NULL && *error == NULL) /* the function's contract: FALSE comes with an error */
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "Datagram send function failed");
  if (ok)
    message->bytes_sent = (guint) size;
  return ok;
}

static gint send_messages_through_function(GdtlsPeerDatagram *self, GOutputMessage *messages, guint num_messages,
                                           GCancellable *cancellable, GError **error)
{
  if (g_cancellable_set_error_if_cancelled(cancellable, error))
    return -1;
  for (guint i = 0; i < num_messages; i++) {
    GError *local = NULL;
    if (!send_through_function(self, &messages[i], &local)) {
      if (i == 0) {
        g_propagate_error(error, local);
        return -1;
      }
      g_error_free(local); /* a partial send: the next call meets the error again */
      return (gint) i;
    }
  }
  return (gint) num_messages;
}

static gint peer_send_messages(GDatagramBased *datagram_based, GOutputMessage *messages, guint num_messages,
                               gint flags, gint64 timeout, GCancellable *cancellable, GError **error)
{
  GdtlsPeerDatagram *self = SELF(datagram_based);
  if (self->send != NULL)
    return send_messages_through_function(self, messages, num_messages, cancellable, error);
  /* Address each message to the peer for the call only: the array is the caller's. */
  for (guint i = 0; i < num_messages; i++)
    messages[i].address = self->peer;
  gint sent = g_datagram_based_send_messages(G_DATAGRAM_BASED(self->socket), messages, num_messages, flags,
                                             timeout, cancellable, error);
  for (guint i = 0; i < num_messages; i++)
    messages[i].address = NULL;
  return sent;
}

typedef struct {
  GSource source;
  GdtlsPeerDatagram *self;  /* a reference */
  GIOCondition condition;
} PeerSource;

static gboolean peer_source_prepare(GSource *source, gint *timeout)
{
  PeerSource *ps = (PeerSource *) source;
  *timeout = -1;
  g_mutex_lock(&ps->self->lock);
  gboolean ready = ready_locked(ps->self, ps->condition) != 0;
  g_mutex_unlock(&ps->self->lock);
  return ready;
}

static gboolean peer_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
  PeerSource *ps = (PeerSource *) source;
  g_source_set_ready_time(source, -1);
  g_mutex_lock(&ps->self->lock);
  GIOCondition ready = ready_locked(ps->self, ps->condition);
  g_mutex_unlock(&ps->self->lock);
  if (callback == NULL)
    return G_SOURCE_CONTINUE;
  return ((GDatagramBasedSourceFunc) (void (*)(void)) callback)(G_DATAGRAM_BASED(ps->self), ready, user_data);
}

static void peer_source_finalize(GSource *source)
{
  PeerSource *ps = (PeerSource *) source;
  g_mutex_lock(&ps->self->lock);
  ps->self->sources = g_slist_remove(ps->self->sources, source);
  g_mutex_unlock(&ps->self->lock);
  g_object_unref(ps->self);
}

/* The cancellable's child source only wakes the parent: its callback must exist but does nothing. */
static gboolean peer_source_cancelled(GCancellable *cancellable, gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs peer_source_funcs = {
  peer_source_prepare, NULL, peer_source_dispatch, peer_source_finalize, NULL, NULL,
};

static GSource *peer_create_source(GDatagramBased *datagram_based, GIOCondition condition,
                                   GCancellable *cancellable)
{
  GdtlsPeerDatagram *self = SELF(datagram_based);
  GSource *source = g_source_new(&peer_source_funcs, sizeof(PeerSource));
  PeerSource *ps = (PeerSource *) source;
  ps->self = g_object_ref(self);
  ps->condition = condition;
  g_source_set_static_name(source, "GdtlsPeerDatagram");
  if (cancellable != NULL) {
    GSource *cancelled = g_cancellable_source_new(cancellable);
    g_source_set_callback(cancelled, (GSourceFunc) (void (*)(void)) peer_source_cancelled, NULL, NULL);
    g_source_add_child_source(source, cancelled);
    g_source_unref(cancelled);
  }
  g_mutex_lock(&self->lock);
  self->sources = g_slist_prepend(self->sources, source);
  g_mutex_unlock(&self->lock);
  return source;
}

static GIOCondition peer_condition_check(GDatagramBased *datagram_based, GIOCondition condition)
{
  GdtlsPeerDatagram *self = SELF(datagram_based);
  g_mutex_lock(&self->lock);
  GIOCondition ready = ready_locked(self, condition);
  g_mutex_unlock(&self->lock);
  return ready;
}

static void on_caller_cancelled(GCancellable *cancellable, gpointer wake)
{
  g_cancellable_cancel(wake);
}

/*
 * A condition wait for the queue (G_IO_IN) or the shared socket's writability (G_IO_OUT) at once:
 * g_socket_condition_timed_wait on G_IO_OUT with a cancellable of its own, which a delivery or the shut cancels
 * (wake_locked), and so does the caller's cancellable; after such a wake the condition is checked again. Each
 * round sleeps in the socket's poll(2): no busy loop.
 */
static gboolean wait_queue_or_socket(GdtlsPeerDatagram *self, GIOCondition condition, gint64 timeout,
                                     GCancellable *cancellable, GError **error)
{
  gint64 deadline = timeout > 0 ? g_get_monotonic_time() + timeout : 0;
  for (;;) {
    GCancellable *wake = g_cancellable_new();
    g_mutex_lock(&self->lock);
    gboolean ready = ready_locked(self, condition) != 0;
    if (!ready)
      self->wakes = g_slist_prepend(self->wakes, wake);
    g_mutex_unlock(&self->lock);
    if (ready) {
      g_object_unref(wake);
      return TRUE;
    }
    gint64 left = timeout <= 0 ? timeout : MAX(deadline - g_get_monotonic_time(), 0);
    gulong handler = cancellable != NULL
        ? g_cancellable_connect(cancellable, G_CALLBACK(on_caller_cancelled), wake, NULL) : 0;
    GError *local = NULL;
    gboolean writable = g_socket_condition_timed_wait(self->socket, G_IO_OUT, left, wake, &local);
    if (handler != 0)
      g_cancellable_disconnect(cancellable, handler);
    g_mutex_lock(&self->lock);
    self->wakes = g_slist_remove(self->wakes, wake);
    g_mutex_unlock(&self->lock);
    g_object_unref(wake);
    if (writable)
      return TRUE;
    if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_error_free(local);
      if (g_cancellable_set_error_if_cancelled(cancellable, error))
        return FALSE;
      continue; /* woken by a delivery or the shut: check again */
    }
    if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
        && peer_condition_check(G_DATAGRAM_BASED(self), condition) != 0) {
      g_error_free(local);
      return TRUE;
    }
    g_propagate_error(error, local);
    return FALSE;
  }
}

/*
 * As GSocket's g_socket_condition_timed_wait: CANCELLED if the cancellable already is, even when the condition
 * holds; TRUE once it holds; TIMED_OUT when the timeout passes first (0: at once). G_IO_IN is this transport's
 * queue (or its shut); G_IO_OUT is the shared socket's writability, or always true for a send function.
 */
static gboolean peer_condition_wait(GDatagramBased *datagram_based, GIOCondition condition, gint64 timeout,
                                    GCancellable *cancellable, GError **error)
{
  GdtlsPeerDatagram *self = SELF(datagram_based);
  if (g_cancellable_set_error_if_cancelled(cancellable, error))
    return FALSE;
  if (self->socket == NULL || !(condition & G_IO_OUT))
    return wait_until_ready(self, condition, timeout, G_IO_ERROR_TIMED_OUT, cancellable, error);
  if (!(condition & G_IO_IN)) /* only the shared socket's writability */
    return g_socket_condition_timed_wait(self->socket, condition, timeout, cancellable, error);
  return wait_queue_or_socket(self, condition, timeout, cancellable, error);
}

static void gdtls_peer_datagram_iface_init(GDatagramBasedInterface *iface)
{
  iface->receive_messages = peer_receive_messages;
  iface->send_messages = peer_send_messages;
  iface->create_source = peer_create_source;
  iface->condition_check = peer_condition_check;
  iface->condition_wait = peer_condition_wait;
}

static void gdtls_peer_datagram_finalize(GObject *object)
{
  GdtlsPeerDatagram *self = SELF(object);
  g_queue_clear_full(&self->queue, (GDestroyNotify) g_bytes_unref);
  g_clear_object(&self->socket);
  g_clear_object(&self->peer);
  if (self->send_destroy != NULL)
    self->send_destroy(self->send_data);
  g_mutex_clear(&self->lock);
  g_cond_clear(&self->changed);
  G_OBJECT_CLASS(gdtls_peer_datagram_parent_class)->finalize(object);
}

static void gdtls_peer_datagram_class_init(GdtlsPeerDatagramClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = gdtls_peer_datagram_finalize;
}

static void gdtls_peer_datagram_init(GdtlsPeerDatagram *self)
{
  g_mutex_init(&self->lock);
  g_cond_init(&self->changed);
  g_queue_init(&self->queue);
}

__attribute__((visibility("default")))
GDatagramBased *gdtls_peer_datagram_new(GSocket *socket, GSocketAddress *peer, guint capacity)
{
  g_return_val_if_fail(G_IS_SOCKET(socket), NULL);
  g_return_val_if_fail(G_IS_SOCKET_ADDRESS(peer), NULL);
  g_return_val_if_fail(capacity > 0, NULL);
  GdtlsPeerDatagram *self = g_object_new(gdtls_peer_datagram_get_type(), NULL);
  self->socket = g_object_ref(socket);
  self->peer = g_object_ref(peer);
  self->capacity = capacity;
  return G_DATAGRAM_BASED(self);
}

__attribute__((visibility("default")))
GDatagramBased *gdtls_peer_datagram_new_with_sender(GdtlsDatagramSendFunc send, gpointer user_data,
                                                    GDestroyNotify destroy, guint capacity)
{
  g_return_val_if_fail(send != NULL, NULL);
  g_return_val_if_fail(capacity > 0, NULL);
  GdtlsPeerDatagram *self = g_object_new(gdtls_peer_datagram_get_type(), NULL);
  self->send = send;
  self->send_data = user_data;
  self->send_destroy = destroy;
  self->capacity = capacity;
  return G_DATAGRAM_BASED(self);
}

__attribute__((visibility("default")))
gboolean gdtls_peer_datagram_deliver(GDatagramBased *peer, gconstpointer data, gsize size)
{
  g_return_val_if_fail(IS_PEER(peer), FALSE);
  g_return_val_if_fail(data != NULL || size == 0, FALSE);
  GdtlsPeerDatagram *self = SELF(peer);
  GBytes *datagram = g_bytes_new(data, size);
  g_mutex_lock(&self->lock);
  gboolean queued = !self->shut && self->queue.length < self->capacity;
  if (queued) {
    g_queue_push_tail(&self->queue, datagram);
    wake_locked(self);
  } else if (!self->shut) {
    self->dropped++;
  }
  g_mutex_unlock(&self->lock);
  if (!queued)
    g_bytes_unref(datagram);
  return queued;
}

__attribute__((visibility("default")))
void gdtls_peer_datagram_shut(GDatagramBased *peer)
{
  g_return_if_fail(IS_PEER(peer));
  GdtlsPeerDatagram *self = SELF(peer);
  g_mutex_lock(&self->lock);
  self->shut = TRUE;
  wake_locked(self);
  g_mutex_unlock(&self->lock);
}

__attribute__((visibility("default")))
guint64 gdtls_peer_datagram_dropped(GDatagramBased *peer)
{
  g_return_val_if_fail(IS_PEER(peer), 0);
  GdtlsPeerDatagram *self = SELF(peer);
  g_mutex_lock(&self->lock);
  guint64 dropped = self->dropped;
  g_mutex_unlock(&self->lock);
  return dropped;
}
