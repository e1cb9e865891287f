package org.gdtls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test PKI's PEM files read by the JDK, for the JDK's own DTLS peers (the interop matrix, the benchmarks): the
 * same certificates and keys GIO reads, with no keytool step in between.
 */
public final class JdkPem {
    private static final char[] NO_PASSWORD = new char[0];

    private JdkPem() {}

    /** Every certificate of a PEM file, in file order. */
    public static Certificate[] certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        }
    }

    /** An RSA key, PKCS#1 ("RSA PRIVATE KEY", as the test PKI writes them) or PKCS#8 ("PRIVATE KEY"). */
    public static PrivateKey rsaKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        byte[] pkcs8 = text.contains("-----BEGIN RSA PRIVATE KEY-----")
                ? pkcs8FromPkcs1(body(pem, text, "RSA PRIVATE KEY"))
                : body(pem, text, "PRIVATE KEY");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** A key manager holding one certificate chain and its key. */
    public static KeyManagerFactory keyManager(Path certificatePem, Path keyPem)
            throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("key", rsaKey(keyPem), NO_PASSWORD, certificates(certificatePem));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, NO_PASSWORD);
        return kmf;
    }

    /** A trust manager whose only anchors are the certificates of {@code caPem}. */
    public static TrustManagerFactory trustManager(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        Certificate[] cas = certificates(caPem);
        for (int i = 0; i < cas.length; i++) {
            anchors.setCertificateEntry("ca" + i, cas[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        return tmf;
    }

    private static byte[] body(Path file, String text, String label) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < 0) {
            throw new IOException(file + ": no " + label + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    /**
     * The JDK's KeyFactory reads PKCS#8 only. PKCS#8 is a DER SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption,
     * NULL }, OCTET STRING pkcs1 }.
     */
    private static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaAlgorithm);
        body.writeBytes(der(0x04, pkcs1));
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
                out.write(n >> shift);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
