package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GTlsDatabase: g_tls_file_database_new, the backend's default database, and the operations. Every certificate of
 * the test PKI against every database, in C and through the binding, is the parity suite's database/... scenarios
 * (DatabaseScenario); these tests pin the Java side: ownership, closed and cancelled input, futures.
 */
@Timeout(60)
class TlsDatabaseTest {
    private static final String SERVER = TlsDatabase.PURPOSE_AUTHENTICATE_SERVER;

    @Test
    @Covers({"g_tls_file_database_new"})
    void fileDatabase() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            assertEquals("GTlsFileDatabaseGnutls", GObjectOracle.typeName(db.handle.address()));
        }
        GioException missing = assertThrows(GioException.class,
                () -> TlsDatabase.fromFile(Path.of("/nonexistent/ca.pem")));
        System.out.println("missing CA file: " + missing);
    }

    @Test
    @Covers({"g_tls_backend_get_default_database"})
    void systemDefaultIsShared() {
        try (TlsDatabase a = TlsDatabase.systemDefault(); TlsDatabase b = TlsDatabase.systemDefault()) {
            assertEquals(a.handle.address(), b.handle.address()); // the backend caches one default database
        }
    }

    @Test
    @Covers({"g_tls_database_verify_chain", "g_tls_database_verify_chain_async", "g_tls_database_verify_chain_finish"})
    void verifyChainGivesTheFlagsAConnectionWould() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             TlsCertificate expired = TlsCertificate.fromFile(LoopbackPair.pki("expired.pem"));
             TlsCertificate untrusted = TlsCertificate.fromFile(LoopbackPair.pki("untrusted-server.pem"))) {
            assertEquals(Set.of(), db.verifyChain(server, SERVER, "server.example.com"));
            assertEquals(Set.of(TlsCertificateFlags.BAD_IDENTITY), db.verifyChain(server, SERVER, "other.example.com"));
            assertEquals(Set.of(TlsCertificateFlags.EXPIRED), db.verifyChain(expired, SERVER, null));
            assertEquals(Set.of(TlsCertificateFlags.UNKNOWN_CA), db.verifyChain(untrusted, SERVER, "localhost"));
            assertEquals(Set.of(TlsCertificateFlags.EXPIRED),
                    db.verifyChainAsync(expired, SERVER, null).get(30, TimeUnit.SECONDS));
            // the same answer as g_tls_certificate_verify with the CA as the only anchor
            try (TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"))) {
                assertEquals(expired.verify("localhost", ca), db.verifyChain(expired, SERVER, "localhost"));
            }
        }
    }

    @Test
    @Covers({"g_tls_database_lookup_certificate_issuer", "g_tls_database_lookup_certificate_issuer_async",
            "g_tls_database_lookup_certificate_issuer_finish", "g_tls_database_lookup_certificates_issued_by",
            "g_tls_database_lookup_certificates_issued_by_async", "g_tls_database_lookup_certificates_issued_by_finish"})
    void lookupsFindTheIssuerAndWhatItIssued() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             TlsCertificate untrusted = TlsCertificate.fromFile(LoopbackPair.pki("untrusted-server.pem"))) {
            try (TlsCertificate issuer = db.lookupCertificateIssuer(server, null, Set.of(), null);
                 TlsCertificate viaFuture = db.lookupCertificateIssuerAsync(server, null, Set.of(),
                         MainContextPump.defaultPump(), null).get(30, TimeUnit.SECONDS)) {
                assertTrue(issuer.isSame(ca));
                assertTrue(viaFuture.isSame(ca));
            }
            // Not found: null, no error (the future's path logs GIO's two CRITICALs, as in C: DatabaseScenario)
            assertNull(db.lookupCertificateIssuer(untrusted, null, Set.of(), null));
            // KEYPAIR: a file database holds no keys
            assertNull(db.lookupCertificateIssuer(server, null, Set.of(TlsDatabaseLookupFlags.KEYPAIR), null));

            List<TlsCertificate> issued = db.lookupCertificatesIssuedBy(ca.toX509().getSubjectX500Principal());
            assertEquals(1, issued.size()); // the anchors only: the root, self-issued
            assertTrue(issued.get(0).isSame(ca));
            issued.forEach(TlsCertificate::close);
            List<TlsCertificate> viaFuture = db.lookupCertificatesIssuedByAsync(
                    ca.toX509().getSubjectX500Principal().getEncoded(), null, Set.of(), MainContextPump.defaultPump(),
                    null).get(30, TimeUnit.SECONDS);
            assertEquals(1, viaFuture.size());
            viaFuture.forEach(TlsCertificate::close);
            assertEquals(List.of(), db.lookupCertificatesIssuedBy(new byte[] {0x30, 0x00}, null, Set.of(), null));
        }
    }

    @Test
    @Covers({"g_tls_database_create_certificate_handle", "g_tls_database_lookup_certificate_for_handle",
            "g_tls_database_lookup_certificate_for_handle_async", "g_tls_database_lookup_certificate_for_handle_finish"})
    void handlesNameTheDatabasesOwnCertificates() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            String handle = db.createCertificateHandle(ca);
            assertNotNull(handle);
            // glib-networking's form: the anchors file's URI and the certificate's SHA-256
            assertTrue(handle.startsWith("file://" + LoopbackPair.pki("ca.pem") + "#"), handle);
            try (TlsCertificate found = db.lookupCertificateForHandle(handle, null, Set.of(), null);
                 TlsCertificate viaFuture = db.lookupCertificateForHandleAsync(handle, null, Set.of(),
                         MainContextPump.defaultPump(), null).get(30, TimeUnit.SECONDS)) {
                assertTrue(found.isSame(ca));
                assertTrue(viaFuture.isSame(ca));
            }
            assertNull(db.createCertificateHandle(server)); // not one of the database's anchors
            assertNull(db.lookupCertificateForHandle(handle + "0", null, Set.of(), null));
        }
    }

    @Test
    void closedOrMissingArgumentsAreRefusedBeforeGio() throws Exception {
        TlsDatabase closedDb = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
        closedDb.close();
        TlsCertificate closedCert = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
        closedCert.close();
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            assertThrows(IllegalStateException.class, () -> closedDb.verifyChain(server, SERVER, null));
            assertThrows(IllegalStateException.class, () -> db.verifyChain(closedCert, SERVER, null));
            assertThrows(IllegalStateException.class, () -> db.verifyChainAsync(closedCert, SERVER, null));
            assertThrows(IllegalStateException.class, () -> closedDb.createCertificateHandle(server));
            assertThrows(NullPointerException.class, () -> db.verifyChain(null, SERVER, null));
            assertThrows(NullPointerException.class, () -> db.verifyChain(server, null, null));
            assertThrows(NullPointerException.class, () -> db.lookupCertificateForHandle(null, null, Set.of(), null));
            assertThrows(NullPointerException.class, () -> db.lookupCertificatesIssuedBy(null, null, Set.of(), null));
            assertThrows(IllegalStateException.class, () -> closedDb.verifyChainAsync(server, SERVER, null));
        }
    }

    @Test
    void cancelledBeforehandEndsAsCancelled() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             Cancellable cancellable = new Cancellable()) {
            cancellable.cancel();
            IOErrorException e = assertThrows(IOErrorException.class,
                    () -> db.verifyChain(server, SERVER, null, null, cancellable));
            assertEquals(IOErrorEnum.CANCELLED, e.code());
            CompletableFuture<Set<TlsCertificateFlags>> future = db.verifyChainAsync(server, SERVER, null, null,
                    MainContextPump.defaultPump(), cancellable);
            CancellationException async = assertThrows(CancellationException.class,
                    () -> future.get(30, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.CANCELLED, ((IOErrorException) async.getCause()).code());
        }
    }

    /**
     * The wrappers closed at once, before the pump even started the operation: it works on references of its
     * own, taken by the call, until GIO is done with them.
     */
    @Test
    void wrappersClosedWhileAFutureRunsStayValidForGio() throws Exception {
        TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"));
        TlsCertificate expired = TlsCertificate.fromFile(LoopbackPair.pki("expired.pem"));
        long dbAddress = db.handle.address();
        long certAddress = expired.handle.address();
        GObjectOracle.ref(dbAddress);
        GObjectOracle.ref(certAddress);
        CompletableFuture<Set<TlsCertificateFlags>> future = db.verifyChainAsync(expired, SERVER, "localhost");
        db.close();
        expired.close();
        assertEquals(Set.of(TlsCertificateFlags.EXPIRED), future.get(30, TimeUnit.SECONDS));
        ParityTest.assertAllReleased("closed while running", List.of(certAddress, dbAddress));
    }
}
