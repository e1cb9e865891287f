/* hostile/<kind>/<phase>: forged datagrams from the peer's address, on libgio (see hostile_cases.c). */
#ifndef HOSTILE_CASES_H
#define HOSTILE_CASES_H

/* Runs the scenario `name` (e.g. "hostile/ccs/during") and prints its JSON line. Returns 0, or 2 for an unknown
 * name; exits with 1 on a setup failure. */
int run_hostile_case (const char *pki_dir, const char *name);

#endif
