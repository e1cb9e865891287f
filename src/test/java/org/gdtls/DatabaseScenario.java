package org.gdtls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The database/... parity scenarios through the binding, step for step as native/parity/database_cases.c: every
 * certificate of the test PKI against every database (keys "DATABASE/CERTIFICATE"). Each cell runs the blocking
 * call and the future, as C runs the blocking and the _async call; a cell where they disagree says so. GIO's
 * default _async lookups log two CRITICALs whenever they find nothing, in C as here (glib_criticals).
 */
final class DatabaseScenario {
    static final List<String> SCENARIOS = List.of("database/verify/server", "database/verify/client",
            "database/verify/other-host", "database/verify/ip-identity", "database/lookup/issuer",
            "database/lookup/issued-by", "database/handle");
    static final List<String> DATABASES = List.of("ca.pem", "intermediate.pem", "untrusted-ca.pem", "system");
    static final List<String> CERTIFICATES = List.of("ca.pem", "intermediate.pem", "server.pem", "server-chain.pem",
            "client.pem", "expired.pem", "not-yet-valid.pem", "wrong-host.pem", "untrusted-ca.pem",
            "untrusted-server.pem");
    /** A handle no database made: the file database's form, with a path that does not exist. */
    static final String UNKNOWN_HANDLE = "file:///nonexistent/ca.pem#00";

    private DatabaseScenario() {}

    static Map<String, Object> run(String scenario, List<Long> created) throws Exception {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", scenario);
        out.put("purposes", TlsDatabase.PURPOSE_AUTHENTICATE_SERVER + " " + TlsDatabase.PURPOSE_AUTHENTICATE_CLIENT);
        ParityScenario.CriticalCounter criticals = ParityScenario.CriticalCounter.attach();
        try {
            for (String dbName : DATABASES) {
                try (TlsDatabase db = dbName.equals("system") ? TlsDatabase.systemDefault()
                        : TlsDatabase.fromFile(LoopbackPair.pki(dbName))) {
                    if (!dbName.equals("system")) {
                        track(created, db.handle.address()); // the system one is GIO's, shared
                    }
                    for (String certName : CERTIFICATES) {
                        try (TlsCertificate cert = TlsCertificate.fromFile(LoopbackPair.pki(certName))) {
                            track(created, cert.handle.address());
                            observe(scenario, dbName + "/" + certName, db, cert, out, created);
                        }
                    }
                    if (scenario.equals("database/handle")) {
                        out.put(dbName + "/unknown", both(
                                () -> same(db.lookupCertificateForHandle(UNKNOWN_HANDLE, null, Set.of(), null), null, created),
                                () -> db.lookupCertificateForHandleAsync(UNKNOWN_HANDLE, null, Set.of(), pump(), null)
                                        .thenApply(c -> same(c, null, created))));
                    }
                }
            }
            out.put("glib_criticals", criticals.count.get());
        } finally {
            criticals.detach();
        }
        return out;
    }

    private static void observe(String scenario, String key, TlsDatabase db, TlsCertificate cert,
                                Map<String, Object> out, List<Long> created) throws Exception {
        switch (scenario) {
            case "database/verify/server" -> out.put(key, verify(db, cert, TlsDatabase.PURPOSE_AUTHENTICATE_SERVER, "localhost"));
            case "database/verify/client" -> out.put(key, verify(db, cert, TlsDatabase.PURPOSE_AUTHENTICATE_CLIENT, null));
            case "database/verify/other-host" ->
                    out.put(key, verify(db, cert, TlsDatabase.PURPOSE_AUTHENTICATE_SERVER, "other.example.com"));
            case "database/verify/ip-identity" -> out.put(key, verify(db, cert, TlsDatabase.PURPOSE_AUTHENTICATE_SERVER, "127.0.0.1"));
            case "database/lookup/issuer" -> out.put(key, both(
                    () -> subject(db.lookupCertificateIssuer(cert, null, Set.of(), null), created),
                    () -> db.lookupCertificateIssuerAsync(cert, null, Set.of(), pump(), null)
                            .thenApply(c -> subject(c, created))));
            case "database/lookup/issued-by" -> {
                byte[] dn = cert.toX509().getSubjectX500Principal().getEncoded();
                out.put(key, both(() -> subjects(db.lookupCertificatesIssuedBy(dn, null, Set.of(), null), created),
                        () -> db.lookupCertificatesIssuedByAsync(dn, null, Set.of(), pump(), null)
                                .thenApply(list -> subjects(list, created))));
            }
            case "database/handle" -> {
                String handle = db.createCertificateHandle(cert);
                out.put(key, handle);
                out.put(key + "/found", handle == null ? null : both(
                        () -> same(db.lookupCertificateForHandle(handle, null, Set.of(), null), cert, created),
                        () -> db.lookupCertificateForHandleAsync(handle, null, Set.of(), pump(), null)
                                .thenApply(c -> same(c, cert, created))));
            }
            default -> throw new IllegalArgumentException(scenario);
        }
    }

    private static Object verify(TlsDatabase db, TlsCertificate cert, String purpose, String identity) throws Exception {
        return both(() -> TlsCertificateFlags.toBits(db.verifyChain(cert, purpose, identity, null, null)),
                () -> db.verifyChainAsync(cert, purpose, identity, null, pump(), null)
                        .thenApply(TlsCertificateFlags::toBits));
    }

    /** The blocking call's record, or both records if the future says otherwise. */
    private static Object both(Callable<Object> sync, Supplier<CompletableFuture<Object>> async) throws Exception {
        Object blocking = record(sync);
        Object viaFuture = record(() -> {
            try {
                return async.get().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        });
        return Objects.equals(blocking, viaFuture) ? blocking : "blocking and future differ";
    }

    private static Object record(Callable<Object> call) throws Exception {
        try {
            return call.call();
        } catch (GioException e) {
            return ParityScenario.error(e);
        }
    }

    /** The subject of a certificate GIO handed over (or null); the oracle then checks the binding let go of it. */
    private static String subject(TlsCertificate found, List<Long> created) {
        if (found == null) {
            return null;
        }
        try (found) {
            track(created, found.handle.address());
            return found.subjectName();
        }
    }

    private static String subjects(List<TlsCertificate> found, List<Long> created) {
        List<String> names = new ArrayList<>();
        for (TlsCertificate c : found) {
            names.add(subject(c, created));
        }
        return names.stream().collect(Collectors.joining("|"));
    }

    private static String same(TlsCertificate found, TlsCertificate cert, List<Long> created) {
        if (found == null) {
            return null;
        }
        try (found) {
            track(created, found.handle.address());
            return cert == null ? "found" : found.isSame(cert) ? "same" : "other";
        }
    }

    private static void track(List<Long> created, long address) {
        if (created != null) {
            GObjectOracle.ref(address);
            created.add(address);
        }
    }

    private static MainContextPump pump() {
        return MainContextPump.defaultPump();
    }
}
