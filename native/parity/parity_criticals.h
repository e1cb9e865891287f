#ifndef PARITY_CRITICALS_H
#define PARITY_CRITICALS_H

/* Counts the GLib CRITICAL messages logged from now on (still printed, as usual): every parity record reports
 * them, since glib-networking 2.80+ logs one for every DTLS client connection it constructs
 * (g_tls_connection_base_constructed unrefs the NULL base-io-stream). Call once, before the scenario. */
void parity_count_criticals (void);

/* CRITICAL messages logged since parity_count_criticals. */
int parity_criticals (void);

#endif
