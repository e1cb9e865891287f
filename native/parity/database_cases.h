/* database/...: GTlsDatabase's operations on every certificate of the test PKI, on libgio (database_cases.c). */
#ifndef DATABASE_CASES_H
#define DATABASE_CASES_H

/* Runs the scenario `name` (e.g. "database/verify/server") and prints its JSON line. Returns 0, or 2 for an
 * unknown name; exits with 1 on a setup failure. */
int run_database_case (const char *pki_dir, const char *name);

#endif
