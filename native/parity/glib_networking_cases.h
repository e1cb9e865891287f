/* glib-networking 2.74.0's dtls-connection.c test cases, on libgio (see glib_networking_cases.c). */
#ifndef GLIB_NETWORKING_CASES_H
#define GLIB_NETWORKING_CASES_H

/* Runs the case `name` (e.g. "connection/basic/blocking") and prints its JSON line. Returns 0, or 2 for an
 * unknown name; exits with 1 on a setup failure. */
int run_glib_networking_case (const char *pki_dir, const char *name);

#endif
