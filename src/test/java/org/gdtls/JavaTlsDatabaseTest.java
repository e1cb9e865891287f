package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A TlsDatabase written in Java (GdtlsDatabase in the glue): the JDK's trust machinery inside GIO
 * (fromKeyStore / fromTrustManager) against GIO's own file database on the same PKI, and an implementation that
 * throws, answers null, hangs or is cancelled, which must never crash, trust, or wedge anything.
 */
@Timeout(120)
class JavaTlsDatabaseTest {
    private static final String SERVER = TlsDatabase.PURPOSE_AUTHENTICATE_SERVER;
    private static final String CLIENT = TlsDatabase.PURPOSE_AUTHENTICATE_CLIENT;

    static KeyStore trustStore(String anchors) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (TlsCertificate a = TlsCertificate.fromFile(LoopbackPair.pki(anchors))) {
            ks.setCertificateEntry("anchor", a.toX509());
        }
        return ks;
    }

    static Stream<Arguments> anchorsAndCertificates() {
        return Stream.of("ca.pem", "intermediate.pem", "untrusted-ca.pem").flatMap(anchors ->
                DatabaseScenario.CERTIFICATES.stream().map(cert -> Arguments.of(anchors, cert)));
    }

    /**
     * The same flags as glib-networking's file database, except where the JDK checks more: its PKIX trust manager
     * refuses a trusted certificate whose key usage or extended key usage does not allow the purpose, which
     * GnuTLS's verification (as glib-networking calls it) does not check; that refusal is GENERIC_ERROR.
     */
    @ParameterizedTest(name = "{0} trusts {1}?")
    @MethodSource("anchorsAndCertificates")
    @Covers({"GTlsDatabaseClass.verify_chain"})
    void keyStoreDatabaseFlagsAsTheFileDatabase(String anchors, String cert) throws Exception {
        try (TlsDatabase file = TlsDatabase.fromFile(LoopbackPair.pki(anchors));
             TlsDatabase java = TlsDatabase.fromKeyStore(trustStore(anchors));
             TlsCertificate chain = TlsCertificate.fromFile(LoopbackPair.pki(cert))) {
            for (String[] purpose : new String[][] {{SERVER, "localhost"}, {CLIENT, null}}) {
                Set<TlsCertificateFlags> gio = file.verifyChain(chain, purpose[0], purpose[1]);
                Set<TlsCertificateFlags> jdk = java.verifyChain(chain, purpose[0], purpose[1]);
                if (!gio.equals(jdk)) {
                    Set<TlsCertificateFlags> stricter = EnumSet.copyOf(gio);
                    stricter.add(TlsCertificateFlags.GENERIC_ERROR);
                    assertEquals(stricter, jdk, purpose[0] + ": only GENERIC_ERROR may be added");
                    assertTrue(!usableFor(chain.toX509(), purpose[0]) && !gio.contains(TlsCertificateFlags.UNKNOWN_CA),
                            purpose[0] + ": GENERIC_ERROR only for a trusted certificate its usage does not allow");
                }
            }
        }
    }

    /** What the JDK's end-entity checker requires: digitalSignature (if key usage is present) and the EKU. */
    private static boolean usableFor(X509Certificate c, String purpose) throws Exception {
        boolean[] ku = c.getKeyUsage();
        List<String> eku = c.getExtendedKeyUsage();
        return (ku == null || ku[0]) && (eku == null || eku.contains(purpose) || eku.contains("2.5.29.37.0"));
    }

    /** The flags GIO's file database gives in CertificateValidationTest. */
    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("org.gdtls.CertificateValidationTest#serverCertificates")
    void handshakeValidatedByAKeyStore(String cert, String key, Set<TlsCertificateFlags> expected) throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(cert, key);
             TlsDatabase db = TlsDatabase.fromKeyStore(trustStore("ca.pem"))) {
            pair.client.setDatabase(db);
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, peer, errors) -> seen.add(errors) && false);
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            if (expected.isEmpty()) {
                assertEquals(List.of(), seen);
                assertNull(outcome.client());
            } else {
                assertEquals(List.of(expected), seen);
                assertEquals(TlsError.BAD_CERTIFICATE, assertInstanceOf(TlsErrorException.class, outcome.client()).code());
            }
        }
    }

    @Test
    void serverValidatesItsClientThroughTheJdk() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create("server.pem", "server-key.pem");
             TlsDatabase db = TlsDatabase.fromKeyStore(trustStore("ca.pem"));
             TlsCertificate clientCert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"))) {
            pair.server.setDatabase(db);
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.client.setCertificate(clientCert);
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            // glib-networking's server emits accept-certificate for every client certificate, even a trusted one
            pair.server.onAcceptCertificate((c, peer, errors) -> seen.add(errors) && errors.isEmpty());
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(List.of(Set.of()), seen, "checkClientTrusted trusted it");
            assertNull(outcome.server());
            assertNull(outcome.client());
            assertEquals(Set.of(), pair.server.peerCertificateErrors());
        }
    }

    @Test
    void aThrowingImplementationNeverTrusts() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Gdtls.setCallbackExceptionHandler((where, t) -> reported.add(t));
        try (LoopbackPair pair = LoopbackPair.create("server.pem", "server-key.pem");
             TlsDatabase db = TlsDatabase.implementedBy((chain, purpose, identity) -> {
                 throw new IllegalStateException("broken trust store");
             })) {
            pair.client.setDatabase(db);
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, peer, errors) -> seen.add(errors) && false);
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(List.of(Set.of(TlsCertificateFlags.GENERIC_ERROR)), seen);
            assertInstanceOf(TlsErrorException.class, outcome.client());
            assertTrue(reported.stream().anyMatch(t -> "broken trust store".equals(t.getMessage())), reported.toString());
            // through the API: the GError the vfunc set
            try (TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
                IOErrorException e = assertThrows(IOErrorException.class, () -> db.verifyChain(server, SERVER, null));
                assertEquals(IOErrorEnum.FAILED, e.code());
                assertEquals("broken trust store", e.getMessage());
            }
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    @Test
    void aGioExceptionKeepsItsDomainAndCode() throws Exception {
        try (TlsDatabase db = TlsDatabase.implementedBy((chain, purpose, identity) -> {
                 throw new TlsErrorException(TlsError.EOF.code(), "token removed");
             });
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            TlsErrorException e = assertThrows(TlsErrorException.class, () -> db.verifyChain(server, SERVER, null));
            assertEquals(TlsError.EOF, e.code());
            assertEquals("token removed", e.getMessage());
            java.util.concurrent.ExecutionException viaFuture = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> db.verifyChainAsync(server, SERVER, null).get(30, TimeUnit.SECONDS));
            assertEquals(TlsError.EOF, assertInstanceOf(TlsErrorException.class, viaFuture.getCause()).code());
        }
    }

    @Test
    void aNullAnswerNeverTrusts() throws Exception {
        Gdtls.setCallbackExceptionHandler((where, t) -> { });
        try (TlsDatabase db = TlsDatabase.implementedBy((chain, purpose, identity) -> null);
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            assertThrows(IOErrorException.class, () -> db.verifyChain(server, SERVER, null));
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    /** An implementation that never answers: cut off at the timeout, the handshake ends, the call is interrupted. */
    @Test
    void aHangingImplementationIsCutOffAtItsTimeout() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        TlsDatabaseImplementation hangs = (chain, purpose, identity) -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return Set.of();
        };
        try (LoopbackPair pair = LoopbackPair.create("server.pem", "server-key.pem");
             TlsDatabase db = TlsDatabase.implementedBy(hangs, Duration.ofMillis(300));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            IOErrorException e = assertThrows(IOErrorException.class, () -> db.verifyChain(server, SERVER, null));
            assertEquals(IOErrorEnum.TIMED_OUT, e.code());
            assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the binding interrupts what it gave up on");

            pair.client.setDatabase(db);
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, peer, errors) -> seen.add(errors) && false);
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(List.of(Set.of(TlsCertificateFlags.GENERIC_ERROR)), seen);
            assertInstanceOf(TlsErrorException.class, outcome.client());
        }
    }

    @Test
    void aCancelledCallStopsWaiting() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (TlsDatabase db = TlsDatabase.implementedBy((chain, purpose, identity) -> {
                 started.countDown();
                 try {
                     Thread.sleep(60_000);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return Set.of();
             });
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             Cancellable cancellable = new Cancellable()) {
            Thread canceller = new Thread(() -> {
                try {
                    started.await();
                } catch (InterruptedException e) {
                    return;
                }
                cancellable.cancel();
            });
            canceller.start();
            IOErrorException e = assertThrows(IOErrorException.class,
                    () -> db.verifyChain(server, SERVER, null, null, cancellable));
            assertEquals(IOErrorEnum.CANCELLED, e.code());
            canceller.join();
        }
    }

    /** Lookups and handles of an implementation; what it returns is handed over to GIO and closed by the binding. */
    @Test
    @Covers({"GTlsDatabaseClass.lookup_certificate_issuer", "GTlsDatabaseClass.lookup_certificates_issued_by",
            "GTlsDatabaseClass.create_certificate_handle", "GTlsDatabaseClass.lookup_certificate_for_handle"})
    void lookupsAndHandlesReachTheImplementation() throws Exception {
        List<TlsCertificate> returned = new CopyOnWriteArrayList<>();
        Map<String, String> files = Map.of("root", "ca.pem", "mid", "intermediate.pem");
        TlsDatabaseImplementation impl = new TlsDatabaseImplementation() {
            @Override
            public Set<TlsCertificateFlags> verifyChain(TlsCertificate chain, String purpose, String identity) {
                return Set.of();
            }

            @Override
            public TlsCertificate lookupCertificateIssuer(TlsCertificate certificate, Set<TlsDatabaseLookupFlags> flags)
                    throws GioException {
                return flags.isEmpty() && certificate.issuerName().contains("Root") ? keep(open("ca.pem")) : null;
            }

            @Override
            public List<TlsCertificate> lookupCertificatesIssuedBy(byte[] issuerRawDn, Set<TlsDatabaseLookupFlags> flags)
                    throws GioException {
                return List.of(keep(open("ca.pem")), keep(open("intermediate.pem")));
            }

            @Override
            public String createCertificateHandle(TlsCertificate certificate) {
                return certificate.subjectName().contains("Intermediate") ? "mid" : null;
            }

            @Override
            public TlsCertificate lookupCertificateForHandle(String handle, Set<TlsDatabaseLookupFlags> flags)
                    throws GioException {
                return files.containsKey(handle) ? keep(open(files.get(handle))) : null;
            }

            private TlsCertificate keep(TlsCertificate c) {
                returned.add(c);
                return c;
            }
        };
        try (TlsDatabase db = TlsDatabase.implementedBy(impl);
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate mid = TlsCertificate.fromFile(LoopbackPair.pki("intermediate.pem"))) {
            try (TlsCertificate issuer = db.lookupCertificateIssuer(server, null, Set.of(), null)) {
                assertTrue(issuer.isSame(ca));
            }
            assertNull(db.lookupCertificateIssuer(server, null, Set.of(TlsDatabaseLookupFlags.KEYPAIR), null));
            List<TlsCertificate> issued = db.lookupCertificatesIssuedBy(new byte[] {0x30, 0}, null, Set.of(), null);
            assertEquals(2, issued.size());
            assertTrue(issued.get(0).isSame(ca), "in the implementation's order");
            assertTrue(issued.get(1).isSame(mid));
            issued.forEach(TlsCertificate::close);
            assertEquals("mid", db.createCertificateHandle(mid));
            assertNull(db.createCertificateHandle(ca));
            try (TlsCertificate found = db.lookupCertificateForHandle("mid", null, Set.of(), null)) {
                assertTrue(found.isSame(mid));
            }
            assertNull(db.lookupCertificateForHandle("nothing", null, Set.of(), null));
            assertTrue(returned.stream().allMatch(c -> c.handle.isClosed()), "the binding closed what it handed over");
        }
    }

    private static TlsCertificate open(String file) throws GioException {
        return TlsCertificate.fromFile(LoopbackPair.pki(file));
    }

    /** The trust manager's anchors serve the lookups. */
    @Test
    void trustManagerAnchorsServeTheLookups() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromKeyStore(trustStore("ca.pem"));
             TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             TlsCertificate untrusted = TlsCertificate.fromFile(LoopbackPair.pki("untrusted-server.pem"))) {
            try (TlsCertificate issuer = db.lookupCertificateIssuer(server, null, Set.of(), null)) {
                assertTrue(issuer.isSame(ca));
            }
            assertNull(db.lookupCertificateIssuer(untrusted, null, Set.of(), null));
            List<TlsCertificate> issued = db.lookupCertificatesIssuedBy(ca.toX509().getSubjectX500Principal());
            assertEquals(1, issued.size()); // the root, self-issued, as GIO's file database answers
            assertTrue(issued.get(0).isSame(ca));
            issued.forEach(TlsCertificate::close);
            assertNull(db.createCertificateHandle(ca));
        }
    }

    /**
     * The application closes its wrapper at once, as with any database: the connection's reference keeps the
     * GObject, and the registry the implementation, until the connection lets go; then the GObject is finalized.
     */
    @Test
    void theImplementationLivesAsLongAsGioHoldsTheDatabase() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> created = new ArrayList<>();
        try (LoopbackPair pair = LoopbackPair.create("server.pem", "server-key.pem")) {
            try (TlsDatabase db = TlsDatabase.implementedBy((chain, purpose, identity) -> {
                calls.incrementAndGet();
                return Set.of();
            })) {
                GObjectOracle.ref(db.handle.address());
                created.add(db.handle.address());
                pair.client.setDatabase(db);
            }
            System.gc();
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertNull(outcome.client());
            assertEquals(1, calls.get());
        }
        ParityTest.assertAllReleased("Java database", created);
    }
}
