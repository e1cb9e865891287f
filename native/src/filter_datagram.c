/* GdtlsFilterDatagram (gdtls_filter.h): a GDatagramBased over another one that lets a predicate drop datagrams.
 * Receives hand out one datagram per call, so a dropped datagram never leaves a hole in the caller's array. */
#include "gdtls_filter.h"

typedef struct {
  GObject parent;
  GDatagramBased *base;
  GdtlsDatagramFilterFunc filter;
  gpointer user_data;
  GDestroyNotify destroy;
  gint64 serial[2];   /* last serial handed out per direction; GCC atomics (GLib 2.74 has no 64-bit ones): */
  gint64 dropped[2];  /* a reader and a writer may run at once */
} GdtlsFilterDatagram;

typedef struct {
  GObjectClass parent_class;
} GdtlsFilterDatagramClass;

static void gdtls_filter_datagram_iface_init(GDatagramBasedInterface *iface);

G_DEFINE_TYPE_WITH_CODE(GdtlsFilterDatagram, gdtls_filter_datagram, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(G_TYPE_DATAGRAM_BASED, gdtls_filter_datagram_iface_init))

#define SELF(o) ((GdtlsFilterDatagram *) (o))

/* Asks the predicate about the next datagram of `direction`; TRUE to drop it (and count it). */
static gboolean should_drop(GdtlsFilterDatagram *self, int direction, gsize size)
{
  gint64 serial = __atomic_add_fetch(&self->serial[direction], 1, __ATOMIC_RELAXED);
  if (self->filter(direction, serial, (gint64) size, self->user_data) != GDTLS_DATAGRAM_DROP)
    return FALSE;
  __atomic_add_fetch(&self->dropped[direction], 1, __ATOMIC_RELAXED);
  return TRUE;
}

static gsize message_size(const GOutputMessage *message)
{
  gsize size = 0;
  for (guint j = 0; j < message->num_vectors; j++)
    size += message->vectors[j].size;
  return size;
}

static gint filter_send_messages(GDatagramBased *datagram_based, GOutputMessage *messages, guint num_messages,
                                 gint flags, gint64 timeout, GCancellable *cancellable, GError **error)
{
  GdtlsFilterDatagram *self = SELF(datagram_based);
  for (guint i = 0; i < num_messages; i++) {
    gsize size = message_size(&messages[i]);
    if (should_drop(self, GDTLS_DATAGRAM_OUT, size)) {
      messages[i].bytes_sent = (guint) size; /* the sender must believe it went out */
      continue;
    }
    GError *local = NULL;
    if (g_datagram_based_send_messages(self->base, &messages[i], 1, flags, timeout, cancellable, &local) < 0) {
      if (i == 0) {
        g_propagate_error(error, local);
        return -1;
      }
      g_error_free(local); /* as a partial send: report what went out; the next call sees the error again */
      return (gint) i;
    }
  }
  return (gint) num_messages;
}

static gint filter_receive_messages(GDatagramBased *datagram_based, GInputMessage *messages, guint num_messages,
                                    gint flags, gint64 timeout, GCancellable *cancellable, GError **error)
{
  GdtlsFilterDatagram *self = SELF(datagram_based);
  if (num_messages == 0)
    return g_datagram_based_receive_messages(self->base, messages, 0, flags, timeout, cancellable, error);

  gint64 deadline = timeout > 0 ? g_get_monotonic_time() + timeout : 0;
  for (;;) {
    gint64 wait = timeout;
    if (timeout > 0) {
      wait = deadline - g_get_monotonic_time();
      if (wait <= 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
        return -1;
      }
    }
    gint n = g_datagram_based_receive_messages(self->base, messages, 1, flags, wait, cancellable, error);
    if (n <= 0 || !should_drop(self, GDTLS_DATAGRAM_IN, messages[0].bytes_received))
      return n;
    messages[0].bytes_received = 0;
    messages[0].flags = 0;
    if (timeout == 0) {
      g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Operation would block");
      return -1;
    }
  }
}

static GSource *filter_create_source(GDatagramBased *datagram_based, GIOCondition condition,
                                     GCancellable *cancellable)
{
  return g_datagram_based_create_source(SELF(datagram_based)->base, condition, cancellable);
}

static GIOCondition filter_condition_check(GDatagramBased *datagram_based, GIOCondition condition)
{
  return g_datagram_based_condition_check(SELF(datagram_based)->base, condition);
}

static gboolean filter_condition_wait(GDatagramBased *datagram_based, GIOCondition condition, gint64 timeout,
                                      GCancellable *cancellable, GError **error)
{
  return g_datagram_based_condition_wait(SELF(datagram_based)->base, condition, timeout, cancellable, error);
}

static void gdtls_filter_datagram_iface_init(GDatagramBasedInterface *iface)
{
  iface->send_messages = filter_send_messages;
  iface->receive_messages = filter_receive_messages;
  iface->create_source = filter_create_source;
  iface->condition_check = filter_condition_check;
  iface->condition_wait = filter_condition_wait;
}

static void gdtls_filter_datagram_finalize(GObject *object)
{
  GdtlsFilterDatagram *self = SELF(object);
  g_clear_object(&self->base);
  if (self->destroy != NULL)
    self->destroy(self->user_data);
  G_OBJECT_CLASS(gdtls_filter_datagram_parent_class)->finalize(object);
}

static void gdtls_filter_datagram_class_init(GdtlsFilterDatagramClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = gdtls_filter_datagram_finalize;
}

static void gdtls_filter_datagram_init(GdtlsFilterDatagram *self)
{
}

__attribute__((visibility("default")))
GDatagramBased *gdtls_filter_datagram_new(GDatagramBased *base, GdtlsDatagramFilterFunc filter,
                                          gpointer user_data, GDestroyNotify destroy)
{
  g_return_val_if_fail(G_IS_DATAGRAM_BASED(base), NULL);
  g_return_val_if_fail(filter != NULL, NULL);
  GdtlsFilterDatagram *self = g_object_new(gdtls_filter_datagram_get_type(), NULL);
  self->base = g_object_ref(base);
  self->filter = filter;
  self->user_data = user_data;
  self->destroy = destroy;
  return G_DATAGRAM_BASED(self);
}

__attribute__((visibility("default")))
GDatagramBased *gdtls_filter_datagram_get_base(GDatagramBased *filter)
{
  g_return_val_if_fail(G_TYPE_CHECK_INSTANCE_TYPE(filter, gdtls_filter_datagram_get_type()), NULL);
  return SELF(filter)->base;
}

__attribute__((visibility("default")))
gint64 gdtls_filter_datagram_dropped(GDatagramBased *filter, int direction)
{
  g_return_val_if_fail(G_TYPE_CHECK_INSTANCE_TYPE(filter, gdtls_filter_datagram_get_type()), -1);
  g_return_val_if_fail(direction == GDTLS_DATAGRAM_OUT || direction == GDTLS_DATAGRAM_IN, -1);
  return __atomic_load_n(&SELF(filter)->dropped[direction], __ATOMIC_RELAXED);
}
