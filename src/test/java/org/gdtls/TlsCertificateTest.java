package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** GTlsCertificate: each test names the g_tls_certificate_* functions it covers. */
class TlsCertificateTest {

    /** new_from_pem (cert + key), get_subject_name, get_issuer_name. */
    @Test
    @Covers({"g_tls_certificate_new_from_pem", "g_tls_certificate_get_subject_name", "g_tls_certificate_get_issuer_name"})
    void fromPemText() throws Exception {
        String pem = Files.readString(LoopbackPair.pki("server-and-key.pem"));
        try (TlsCertificate cert = TlsCertificate.fromPem(pem)) {
            assertEquals("CN=server.example.com", cert.subjectName());
            assertEquals("CN=gdtls Test Root CA", cert.issuerName());
        }
        TlsErrorException bad = assertThrows(TlsErrorException.class, () -> TlsCertificate.fromPem("not a pem"));
        assertEquals(TlsError.BAD_CERTIFICATE, bad.code());
    }

    /** new_from_files with a chain file: get_issuer follows the chain. */
    @Test
    @Covers({"g_tls_certificate_new_from_files", "g_tls_certificate_get_issuer"})
    void chainViaIssuer() throws Exception {
        try (TlsCertificate leaf = TlsCertificate.fromFiles(LoopbackPair.pki("server-chain.pem"),
                LoopbackPair.pki("server-chain-key.pem"));
             TlsCertificate intermediate = leaf.issuer()) {
            assertEquals("CN=gdtls Test Intermediate CA", intermediate.subjectName());
            assertNull(intermediate.issuer()); // the file holds no root
        }
    }

    /** list_new_from_file. */
    @Test
    @Covers({"g_tls_certificate_list_new_from_file"})
    void listFromFile() throws Exception {
        List<TlsCertificate> list = TlsCertificate.listFromFile(LoopbackPair.pki("server-chain.pem"));
        try {
            assertEquals(List.of("CN=server.example.com", "CN=gdtls Test Intermediate CA"),
                    list.stream().map(TlsCertificate::subjectName).toList());
        } finally {
            list.forEach(TlsCertificate::close);
        }
    }

    /** new_from_file_with_password and new_from_pkcs12 (GIO 2.72), including a wrong password. */
    @Test
    @Covers({"g_tls_certificate_new_from_file_with_password", "g_tls_certificate_new_from_pkcs12", "g_tls_certificate_is_same", "g_tls_certificate_new_from_file"})
    void pkcs12WithPassword() throws Exception {
        try (TlsCertificate p12 = TlsCertificate.fromFileWithPassword(LoopbackPair.pki("server.p12"), "gdtls-secret");
             TlsCertificate pem = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            assertTrue(p12.isSame(pem));
        }
        byte[] data = Files.readAllBytes(LoopbackPair.pki("server.p12"));
        try (TlsCertificate p12 = TlsCertificate.fromPkcs12(data, "gdtls-secret")) {
            assertEquals("CN=server.example.com", p12.subjectName());
        }
        TlsErrorException wrong = assertThrows(TlsErrorException.class,
                () -> TlsCertificate.fromPkcs12(data, "wrong"));
        assertEquals(TlsError.BAD_CERTIFICATE_PASSWORD, wrong.code());
    }

    /** An encrypted PEM key: GIO 2.74 cannot decrypt it (only PKCS#12 takes a password). */
    @Test
    void encryptedPemKeyIsRefusedByGio() {
        TlsErrorException e = assertThrows(TlsErrorException.class, () -> TlsCertificate.fromFiles(
                LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key-encrypted.pem")));
        assertEquals(TlsError.BAD_CERTIFICATE, e.code());
    }

    /** get_not_valid_before/after, get_dns_names, get_ip_addresses (GIO 2.70). */
    @Test
    @Covers({"g_tls_certificate_get_not_valid_before", "g_tls_certificate_get_not_valid_after", "g_tls_certificate_get_dns_names", "g_tls_certificate_get_ip_addresses", "GTlsCertificate:certificate-pem"})
    void validityAndNames() throws Exception {
        try (TlsCertificate cert = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            X509Certificate x509 = cert.toX509();
            assertEquals(x509.getNotBefore().toInstant(), cert.notValidBefore());
            assertEquals(x509.getNotAfter().toInstant(), cert.notValidAfter());
            assertTrue(cert.notValidAfter().isAfter(Instant.parse("2070-01-01T00:00:00Z")));
            assertEquals(List.of("server.example.com", "localhost"), cert.dnsNames());
            assertEquals(List.of(InetAddress.getByName("127.0.0.1")), cert.ipAddresses());
            assertEquals("CN=server.example.com", x509.getSubjectX500Principal().getName());
            assertTrue(cert.pem().startsWith("-----BEGIN CERTIFICATE-----"));
        }
    }

    /** certificate (DER), private-key and private-key-pem (readable since GLib 2.70: PKCS#8), the PKCS#11 URIs. */
    @Test
    @Covers({"GTlsCertificate:certificate", "GTlsCertificate:private-key", "GTlsCertificate:private-key-pem", "GTlsCertificate:pkcs11-uri", "GTlsCertificate:private-key-pkcs11-uri"})
    void derAndPrivateKeyProperties() throws Exception {
        X509Certificate jdk = (X509Certificate) JdkPem.certificates(LoopbackPair.pki("server.pem"))[0];
        PrivateKey jdkKey = JdkPem.rsaKey(LoopbackPair.pki("server-key.pem")); // PKCS#1 file, converted by the test
        try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                LoopbackPair.pki("server-key.pem"))) {
            assertArrayEquals(jdk.getEncoded(), cert.der());
            assertEquals(jdk, cert.toX509());
            byte[] key = cert.privateKeyDer();
            assertNotNull(key);
            // Loaded from PKCS#1 PEM, read back as PKCS#8: the JDK parses it as such and finds the same key.
            RSAPrivateCrtKey parsed = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(key));
            assertEquals(((RSAPrivateCrtKey) jdkKey).getModulus(), parsed.getModulus());
            assertEquals(((RSAPrivateCrtKey) jdkKey).getPrivateExponent(), parsed.getPrivateExponent());
            String pem = cert.privateKeyPem();
            assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem.substring(0, 40));
            assertArrayEquals(key, pemBody(pem, "PRIVATE KEY"));
            assertNull(cert.pkcs11Uri());
            assertNull(cert.privateKeyPkcs11Uri());
        }
        try (TlsCertificate noKey = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            assertNull(noKey.privateKeyDer());
            assertNull(noKey.privateKeyPem());
            assertArrayEquals(jdk.getEncoded(), noKey.der());
        }
    }

    /** The construct properties certificate, private-key and issuer: PKCS#1 and PKCS#8 DER keys, a chain, errors. */
    @Test
    @Covers({"g_initable_new", "g_tls_backend_get_certificate_type", "GTlsCertificate:certificate", "GTlsCertificate:private-key", "GTlsCertificate:issuer"})
    void fromDerWithKeyAndIssuer() throws Exception {
        byte[] serverDer = JdkPem.certificates(LoopbackPair.pki("server.pem"))[0].getEncoded();
        byte[] caDer = JdkPem.certificates(LoopbackPair.pki("ca.pem"))[0].getEncoded();
        byte[] pkcs1 = pemBody(Files.readString(LoopbackPair.pki("server-key.pem")), "RSA PRIVATE KEY");
        byte[] pkcs8 = JdkPem.rsaKey(LoopbackPair.pki("server-key.pem")).getEncoded();
        try (TlsCertificate ca = TlsCertificate.fromDer(caDer, null, null);
             TlsCertificate withPkcs1 = TlsCertificate.fromDer(serverDer, pkcs1, ca);
             TlsCertificate withPkcs8 = TlsCertificate.fromDer(serverDer, pkcs8, null);
             TlsCertificate issuer = withPkcs1.issuer()) {
            assertEquals("CN=server.example.com", withPkcs1.subjectName());
            assertArrayEquals(serverDer, withPkcs1.der());
            assertTrue(issuer.isSame(ca));
            assertNull(withPkcs8.issuer());
            assertNull(ca.privateKeyDer());
            // Both encodings give the same key, read back as PKCS#8.
            assertArrayEquals(withPkcs1.privateKeyDer(), withPkcs8.privateKeyDer());
            assertEquals(Set.of(), withPkcs1.verify("server.example.com", ca));
        }
        assertArrayEquals(pkcs1, pemBody(Files.readString(LoopbackPair.pki("server-key.pem")), "RSA PRIVATE KEY"),
                "the caller's array is left alone");

        TlsErrorException badCert = assertThrows(TlsErrorException.class,
                () -> TlsCertificate.fromDer(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}, null, null));
        assertEquals(TlsError.BAD_CERTIFICATE, badCert.code());
        TlsErrorException badKey = assertThrows(TlsErrorException.class,
                () -> TlsCertificate.fromDer(serverDer, new byte[] {1, 2, 3}, null));
        assertEquals(TlsError.BAD_CERTIFICATE, badKey.code());
        assertThrows(IllegalArgumentException.class, () -> TlsCertificate.fromDer(new byte[0], null, null));
        assertThrows(IllegalArgumentException.class, () -> TlsCertificate.fromDer(serverDer, new byte[0], null));
        assertThrows(NullPointerException.class, () -> TlsCertificate.fromDer(null, null, null));
        TlsCertificate closed = TlsCertificate.fromDer(caDer, null, null);
        closed.close();
        assertThrows(IllegalStateException.class, () -> TlsCertificate.fromDer(serverDer, null, closed));
    }

    /** certificate-pem, private-key-pem and issuer as construct properties: RSA PRIVATE KEY and PRIVATE KEY. */
    @Test
    @Covers({"GTlsCertificate:certificate-pem", "GTlsCertificate:private-key-pem", "GTlsCertificate:issuer"})
    void fromPemWithKeyAndIssuer() throws Exception {
        String serverPem = Files.readString(LoopbackPair.pki("server.pem"));
        String pkcs1Pem = Files.readString(LoopbackPair.pki("server-key.pem"));
        try (TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate pkcs1 = TlsCertificate.fromPem(serverPem, pkcs1Pem, ca);
             TlsCertificate pkcs8 = TlsCertificate.fromPem(serverPem, pkcs1.privateKeyPem(), null);
             TlsCertificate issuer = pkcs1.issuer()) {
            assertTrue(pkcs1Pem.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
            assertTrue(issuer.isSame(ca));
            assertArrayEquals(pkcs1.privateKeyDer(), pkcs8.privateKeyDer());
            assertNotNull(pkcs8.privateKeyDer());
        }
        // The first certificate of a chain file only, and no issuer from it.
        try (TlsCertificate first = TlsCertificate.fromPem(Files.readString(LoopbackPair.pki("server-chain.pem")),
                null, null)) {
            assertEquals("CN=server.example.com", first.subjectName());
            assertNull(first.issuer());
        }
        TlsErrorException bad = assertThrows(TlsErrorException.class,
                () -> TlsCertificate.fromPem(serverPem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", null));
        assertEquals(TlsError.BAD_CERTIFICATE, bad.code());
    }

    static byte[] pemBody(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        int from = pem.indexOf(begin) + begin.length();
        return Base64.getMimeDecoder().decode(pem.substring(from, pem.indexOf("-----END " + label + "-----")));
    }

    /** g_tls_certificate_verify against an identity and a trusted CA. */
    @Test
    @Covers({"g_tls_certificate_verify"})
    void verify() throws Exception {
        try (TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate server = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"));
             TlsCertificate chain = TlsCertificate.fromFile(LoopbackPair.pki("server-chain.pem"));
             TlsCertificate untrusted = TlsCertificate.fromFile(LoopbackPair.pki("untrusted-server.pem"))) {
            assertEquals(Set.of(), server.verify("server.example.com", ca));
            assertEquals(Set.of(), server.verify("127.0.0.1", ca));
            assertEquals(Set.of(), chain.verify("server.example.com", ca));
            assertEquals(EnumSet.of(TlsCertificateFlags.BAD_IDENTITY), server.verify("other.example.org", ca));
            assertEquals(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA), untrusted.verify("server.example.com", ca));
            // Without a trusted CA GIO never sets UNKNOWN_CA (as documented for g_tls_certificate_verify).
            assertEquals(Set.of(), untrusted.verify(null, null));
        }
    }
}
