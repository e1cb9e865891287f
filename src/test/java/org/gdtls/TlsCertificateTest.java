package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Instant;
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
