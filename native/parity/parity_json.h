/* The parity runner's one-line JSON: a flat object of strings, integers and nulls (FlatJson reads it). */
#ifndef PARITY_JSON_H
#define PARITY_JSON_H

#include <glib.h>

/* Appends `s` as a JSON string, or null. */
void json_string (GString *out, const char *s);

/* "<domain quark string>:<code>", the portable identity of a GError. */
char *error_id (const GError *error);

/* A JSON value: `value` when ok, else the error id as a string. */
char *int_or_error (gboolean ok, gint64 value, const GError *error);

#endif
