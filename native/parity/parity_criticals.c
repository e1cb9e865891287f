#include <gio/gio.h>

#include "parity_criticals.h"

static gint criticals;

static GLogWriterOutput
counting_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & G_LOG_LEVEL_CRITICAL)
    g_atomic_int_inc (&criticals);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
parity_count_criticals (void)
{
  g_log_set_writer_func (counting_writer, NULL, NULL);
}

int
parity_criticals (void)
{
  return g_atomic_int_get (&criticals);
}
