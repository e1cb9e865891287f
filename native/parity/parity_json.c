/* JSON output shared by the parity runner's scenario families. */
#include "parity_json.h"

void
json_string (GString *out, const char *s)
{
  if (s == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* "<domain quark string>:<code>", the portable identity of a GError. */
char *
error_id (const GError *error)
{
  return g_strdup_printf ("%s:%d", g_quark_to_string (error->domain), error->code);
}

/* A JSON value that is either an int or an error id string; the result is
 * already JSON (i.e. quoted when it is a string). */
char *
int_or_error (gboolean ok, gint64 value, const GError *error)
{
  if (ok)
    return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  char *id = error_id (error);
  GString *s = g_string_new (NULL);
  json_string (s, id);
  g_free (id);
  return g_string_free (s, FALSE);
}

