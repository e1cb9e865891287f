package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TlsCertificate.of / toX509Chain: keys and certificates of a JDK KeyStore serving a real GIO handshake. */
@Timeout(60)
class TlsCertificateKeyStoreTest {
    private static final char[] PASSWORD = "gdtls-secret".toCharArray();

    /** server.p12 read by the JDK, handed to GIO as the server's certificate; the client validates with ca.pem. */
    @Test
    @Covers({"g_initable_new", "GTlsCertificate:certificate", "GTlsCertificate:private-key", "GTlsCertificate:issuer"})
    void keyStoreEntryServesAsServerCertificate() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(LoopbackPair.pki("server.p12"))) {
            store.load(in, PASSWORD);
        }
        String alias = store.aliases().nextElement();
        X509Certificate[] chain = x509(store.getCertificateChain(alias));
        PrivateKey key = (PrivateKey) store.getKey(alias, PASSWORD);
        assertEquals("PKCS#8", key.getFormat());
        try (TlsCertificate cert = TlsCertificate.of(chain, key);
             LoopbackPair pair = LoopbackPair.createWith(cert)) {
            pair.handshake();
            assertEquals(Set.of(), pair.client.peerCertificateErrors());
            try (TlsCertificate peer = pair.client.peerCertificate()) {
                assertTrue(peer.isSame(cert));
            }
            // The round trip: GIO's chain back to the JDK is the KeyStore's chain, byte for byte.
            assertEncodedEquals(chain, cert.toX509Chain());
            assertArrayEquals(key.getEncoded(), cert.privateKeyDer());
        }
    }

    /** toX509Chain against the JDK's own parse of the same PEM file (leaf then intermediate). */
    @Test
    void toX509ChainMatchesTheJdksParse() throws Exception {
        Certificate[] jdk = JdkPem.certificates(LoopbackPair.pki("server-chain.pem"));
        assertEquals(2, jdk.length);
        try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server-chain.pem"),
                LoopbackPair.pki("server-chain-key.pem"))) {
            assertEncodedEquals(x509(jdk), cert.toX509Chain());
        }
        try (TlsCertificate single = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            X509Certificate[] one = single.toX509Chain();
            assertEquals(1, one.length);
            assertArrayEquals(JdkPem.certificates(LoopbackPair.pki("server.pem"))[0].getEncoded(), one[0].getEncoded());
        }
    }

    /** A client certificate from a KeyStore entry, to a server that requires one. */
    @Test
    void keyStoreEntryServesAsClientCertificate() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", JdkPem.rsaKey(LoopbackPair.pki("client-key.pem")), PASSWORD,
                JdkPem.certificates(LoopbackPair.pki("client.pem")));
        X509Certificate[] chain = x509(store.getCertificateChain("client"));
        try (TlsCertificate clientCert = TlsCertificate.of(chain, (PrivateKey) store.getKey("client", PASSWORD));
             LoopbackPair pair = LoopbackPair.create()) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.server.onAcceptCertificate((conn, cert, errors) -> cert.isSame(clientCert));
            pair.client.setCertificate(clientCert);
            pair.handshake();
            try (TlsCertificate peer = pair.server.peerCertificate()) {
                assertTrue(peer.isSame(clientCert));
                assertEncodedEquals(chain, peer.toX509Chain());
            }
        }
    }

    /**
     * An EC (P-256) key and self-signed certificate made by the JDK's keytool (no other tool). SunEC's PKCS#8 leaves
     * out the optional public key of the inner ECPrivateKey, which GnuTLS 3.7.9 (Debian 12) refuses: fromDer with
     * the JDK's bytes shows it, and of() adds the certificate's public key so the key serves a handshake, trusted by
     * the client through a database holding only that certificate.
     */
    @Test
    void ecKeyFromKeytool(@TempDir Path dir) throws Exception {
        Path p12 = dir.resolve("ec.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "gdtls-secret",
                "-alias", "ec", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=server.example.com", "-ext", "SAN=dns:server.example.com")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue(), output);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD);
        }
        X509Certificate[] chain = x509(store.getCertificateChain("ec"));
        PrivateKey key = (PrivateKey) store.getKey("ec", PASSWORD);
        assertEquals("EC", key.getAlgorithm());
        Path caPem = dir.resolve("ec.pem");
        Files.writeString(caPem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(chain[0].getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        try (TlsCertificate raw = TlsCertificate.fromDer(chain[0].getEncoded(), key.getEncoded(), null)) {
            // Where this GnuTLS takes SunEC's encoding as it is, the shim in of() is harmless; note it.
            System.out.println("GnuTLS took SunEC's EC key without its public key: " + raw);
        } catch (TlsErrorException refused) {
            assertEquals(TlsError.BAD_CERTIFICATE, refused.code());
            assertTrue(refused.getMessage().contains("Could not parse DER private key"), refused.getMessage());
        }
        TlsCertificate made = TlsCertificate.of(chain, key);
        try (TlsCertificate cert = made;
             LoopbackPair pair = LoopbackPair.createWith(cert);
             TlsDatabase db = TlsDatabase.fromFile(caPem)) {
            pair.client.setDatabase(db);
            pair.handshake();
            assertEquals(Set.of(), pair.client.peerCertificateErrors());
            assertTrue(pair.client.ciphersuiteName().contains("ECDSA"), pair.client.ciphersuiteName());
            byte[] keyDer = cert.privateKeyDer();
            assertNotNull(keyDer);
            ECPrivateKey back = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keyDer));
            assertEquals(((ECPrivateKey) key).getS(), back.getS());
            assertEncodedEquals(chain, cert.toX509Chain());
        }
    }

    /** Nothing checks that the key belongs to the certificate when it is made: the handshake fails instead. */
    @Test
    void keyOfAnotherCertificateFailsTheHandshake() throws Exception {
        X509Certificate[] chain = x509(JdkPem.certificates(LoopbackPair.pki("server.pem")));
        PrivateKey clientKey = JdkPem.rsaKey(LoopbackPair.pki("client-key.pem"));
        try (TlsCertificate wrong = TlsCertificate.of(chain, clientKey);
             LoopbackPair pair = LoopbackPair.createWith(wrong)) {
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            // The client sees the server's signature fail (glib-networking 2.74 / GnuTLS 3.7.9); the server is
            // then cancelled by handshakeBoth.
            TlsErrorException client = assertInstanceOf(TlsErrorException.class, outcome.client());
            assertEquals(TlsError.MISC, client.code());
            assertTrue(client.getMessage().contains("signature verification has failed"), client.getMessage());
            assertNotNull(outcome.server(), "server");
        }
    }

    /** A key with no encoding (as SunPKCS11 gives for a token's key), and malformed chains: refused in Java. */
    @Test
    void unusableArgumentsAreRefused() throws Exception {
        X509Certificate[] chain = x509(JdkPem.certificates(LoopbackPair.pki("server.pem")));
        PrivateKey onToken = new PrivateKey() {
            @Override
            public String getAlgorithm() {
                return "RSA";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsCertificate.of(chain, onToken));
        assertTrue(e.getMessage().contains("cannot be exported"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlsCertificate.of(new X509Certificate[0], null));
        assertThrows(IllegalArgumentException.class, () -> TlsCertificate.of(new X509Certificate[] {null}, null));
        assertThrows(NullPointerException.class, () -> TlsCertificate.of(null, null));
        // Leaf and intermediate swapped: the order is checked by name before GIO sees anything.
        X509Certificate[] swapped = x509(JdkPem.certificates(LoopbackPair.pki("server-chain.pem")));
        List<X509Certificate> reversed = Arrays.asList(swapped.clone());
        java.util.Collections.reverse(reversed);
        assertThrows(IllegalArgumentException.class,
                () -> TlsCertificate.of(reversed.toArray(new X509Certificate[0]), null));
        // Certificate only: no key.
        try (TlsCertificate certOnly = TlsCertificate.of(chain, null)) {
            assertEquals(null, certOnly.privateKeyDer());
            assertArrayEquals(chain[0].getEncoded(), certOnly.der());
        }
    }

    private static X509Certificate[] x509(Certificate[] chain) {
        return Arrays.stream(chain).map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    }

    private static void assertEncodedEquals(X509Certificate[] expected, X509Certificate[] actual) throws Exception {
        assertEquals(expected.length, actual.length, "chain length");
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i].getEncoded(), actual[i].getEncoded(), "chain[" + i + "]");
        }
    }
}
