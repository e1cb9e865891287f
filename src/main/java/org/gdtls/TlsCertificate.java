package org.gdtls;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.gdtls.internal.gen.GBytes;
import org.gdtls.internal.gen.GDateTime;
import org.gdtls.internal.gen.GInetAddress;
import org.gdtls.internal.gen.GList;
import org.gdtls.internal.gen.GPtrArray;
import org.gdtls.internal.gen.GSocketConnectable;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.GProperties;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.ServerIdentity;

/** A {@code GTlsCertificate}: an X.509 certificate, possibly with its private key and its issuer chain. */
public final class TlsCertificate implements AutoCloseable {
    final ObjectHandle<GTlsCertificate> handle;

    private TlsCertificate(GTlsCertificate owned) {
        this.handle = new ObjectHandle<>(this, owned, "TlsCertificate");
    }

    /** Wraps an object the caller owns a reference to (transfer full). */
    static TlsCertificate adopt(GTlsCertificate owned) {
        return new TlsCertificate(owned);
    }

    /** Wraps a borrowed object (transfer none): takes a reference of its own. */
    static TlsCertificate borrow(GTlsCertificate borrowed) {
        if (borrowed == null || borrowed.isNull()) {
            return null;
        }
        Gio.g_object_ref(borrowed);
        return new TlsCertificate(new GTlsCertificate(borrowed));
    }

    /**
     * {@code g_tls_certificate_new_from_pem}: certificate(s) and optionally a private key in PEM text. With
     * several certificates, the first is the leaf and the rest its issuer chain.
     */
    @Wraps("g_tls_certificate_new_from_pem")
    public static TlsCertificate fromPem(String pem) throws GioException {
        Objects.requireNonNull(pem, "pem");
        NativeLibrary.ensureLoaded();
        byte[] bytes = pem.getBytes(StandardCharsets.UTF_8);
        try (BytePointer data = new BytePointer(bytes.length + 1L)) {
            data.put(bytes).put(bytes.length, (byte) 0);
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate cert = Gio.g_tls_certificate_new_from_pem(data, bytes.length, error.out());
            error.check();
            return adopt(cert);
        }
    }

    /**
     * A certificate from DER, with an optional private key and issuer, made by the default TLS backend's
     * certificate type ({@code g_tls_backend_get_certificate_type}) through {@code g_initable_new} with the
     * construct properties {@code certificate}, {@code private-key} and {@code issuer} (a small C helper: GIO
     * offers these only through varargs).
     * <p>
     * The key may be PKCS#8 ({@code PrivateKeyInfo}, as {@link PrivateKey#getEncoded()} gives for RSA and EC keys),
     * PKCS#1 ({@code RSAPrivateKey}) or SEC 1 ({@code ECPrivateKey}), unencrypted: glib-networking's GnuTLS backend
     * reads it with {@code gnutls_privkey_import_x509_raw}, which tries each (PKCS#8 and PKCS#1 RSA keys are tested;
     * SEC 1 is not). GnuTLS 3.7.9 (Debian 12) refuses an EC key whose {@code ECPrivateKey} omits the optional public
     * key, as the JDK's SunEC encodes them ({@code BAD_CERTIFICATE} "Could not parse DER private key";
     * {@link #of} adds it). Nothing checks that
     * the key belongs to the certificate, nor that {@code issuer} issued it: with a wrong key the peer fails
     * the handshake ({@link TlsError#MISC}, "Public key signature verification has failed", tested), a wrong issuer
     * shows in {@link #verify}. The new certificate holds its own reference to {@code issuer}, which
     * the caller may close. The bytes are copied to native memory for the call and that copy is wiped afterwards
     * (the key's too); the caller's arrays are not touched.
     *
     * @param certificateDer one X.509 certificate in DER
     * @param privateKeyDer the unencrypted private key in DER, or null
     * @param issuer the certificate's issuer, or null
     * @throws TlsErrorException {@link TlsError#BAD_CERTIFICATE} if the certificate or the key does not parse
     */
    @Wraps(value = {"g_initable_new", "g_tls_backend_get_certificate_type"},
            properties = {"GTlsCertificate:certificate", "GTlsCertificate:private-key", "GTlsCertificate:issuer"})
    public static TlsCertificate fromDer(byte[] certificateDer, byte[] privateKeyDer, TlsCertificate issuer)
            throws GioException {
        Objects.requireNonNull(certificateDer, "certificateDer");
        if (certificateDer.length == 0) {
            throw new IllegalArgumentException("certificateDer is empty");
        }
        if (privateKeyDer != null && privateKeyDer.length == 0) {
            throw new IllegalArgumentException("privateKeyDer is empty (pass null for no key)");
        }
        NativeLibrary.ensureLoaded();
        try (BytePointer cert = new BytePointer(certificateDer);
             BytePointer key = privateKeyDer == null ? null : new BytePointer(privateKeyDer)) {
            try {
                return construct(null, cert, certificateDer.length, null, key, key == null ? 0 : privateKeyDer.length,
                        issuer);
            } finally {
                Pointer.memset(cert, 0, certificateDer.length);
                if (key != null) {
                    Pointer.memset(key, 0, privateKeyDer.length);
                }
            }
        }
    }

    /**
     * As {@link #fromDer}, from PEM through the construct properties {@code certificate-pem} and
     * {@code private-key-pem}: one certificate ({@code BEGIN CERTIFICATE}; only the first block is read), a key
     * ({@code BEGIN PRIVATE KEY} or {@code BEGIN RSA PRIVATE KEY}, both tested; GnuTLS also reads
     * {@code BEGIN EC PRIVATE KEY}; never encrypted) or null, and an issuer or null. Unlike {@link #fromPem(String)}, the issuer can be any certificate object, and
     * nothing verifies the chain.
     *
     * @throws TlsErrorException {@link TlsError#BAD_CERTIFICATE} if the certificate or the key does not parse
     */
    @Wraps(value = {"g_initable_new", "g_tls_backend_get_certificate_type"},
            properties = {"GTlsCertificate:certificate-pem", "GTlsCertificate:private-key-pem", "GTlsCertificate:issuer"})
    public static TlsCertificate fromPem(String certificatePem, String privateKeyPem, TlsCertificate issuer)
            throws GioException {
        Objects.requireNonNull(certificatePem, "certificatePem");
        NativeLibrary.ensureLoaded();
        byte[] keyBytes = privateKeyPem == null ? null : privateKeyPem.getBytes(StandardCharsets.UTF_8);
        try (BytePointer cert = CStrings.utf8(certificatePem);
             BytePointer key = keyBytes == null ? null : new BytePointer(keyBytes.length + 1L)) {
            if (key != null) {
                key.put(keyBytes).put(keyBytes.length, (byte) 0);
            }
            try {
                return construct(cert, null, 0, key, null, 0, issuer);
            } finally {
                if (key != null) {
                    Pointer.memset(key, 0, keyBytes.length);
                    Arrays.fill(keyBytes, (byte) 0);
                }
            }
        }
    }

    private static TlsCertificate construct(BytePointer certPem, BytePointer certDer, long certDerLength,
                                            BytePointer keyPem, BytePointer keyDer, long keyDerLength,
                                            TlsCertificate issuer) throws GioException {
        GTlsCertificate issuerCert = issuer == null ? null : issuer.handle.acquire();
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate cert = Glue.gdtls_tls_certificate_new(certPem, certDer, certDerLength, keyPem, keyDer,
                    keyDerLength, issuerCert, error.out());
            error.check();
            if (cert == null || cert.isNull()) {
                throw new IllegalStateException("GIO made no certificate and reported no error");
            }
            return adopt(cert);
        } finally {
            if (issuer != null) {
                issuer.handle.release();
            }
        }
    }

    /**
     * A certificate chain and its private key from the JDK (e.g. a {@link java.security.KeyStore} entry's
     * {@code getCertificateChain} and {@code getKey}), for a GIO connection: each certificate is made with
     * {@link #fromDer} from {@link X509Certificate#getEncoded()}, the last first, each the issuer of the one before,
     * and the key ({@link PrivateKey#getEncoded()}, PKCS#8) goes with the leaf, {@code chain[0]}. RSA and EC keys
     * work (both tested in a handshake). GnuTLS 3.7.9 wants the optional public key inside an EC key's encoding,
     * which the JDK's SunEC leaves out (see {@link #fromDer}): for an EC key, this method adds the public point of
     * {@code chain[0]}'s public key to the encoding it passes on. The key's encodings are wiped from the Java heap
     * after the call.
     *
     * @param chain the leaf first, then its issuers in order (as {@code KeyStore.getCertificateChain} gives them)
     * @param key the leaf's private key, or null for a certificate without a key
     * @throws IllegalArgumentException if the chain is empty, holds null, is out of order (an issuer name that is
     *     not the next certificate's subject), or the key cannot be exported in PKCS#8 (e.g. a key on a PKCS#11 token
     *     through SunPKCS11: use {@link #fromPkcs11Uris} instead)
     * @throws TlsErrorException {@link TlsError#BAD_CERTIFICATE} if GIO cannot parse a certificate or the key
     */
    @Wraps(value = {"g_initable_new"},
            properties = {"GTlsCertificate:certificate", "GTlsCertificate:private-key", "GTlsCertificate:issuer"})
    public static TlsCertificate of(X509Certificate[] chain, PrivateKey key) throws GioException {
        Objects.requireNonNull(chain, "chain");
        if (chain.length == 0) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        for (int i = 0; i < chain.length; i++) {
            if (chain[i] == null) {
                throw new IllegalArgumentException("chain[" + i + "] is null");
            }
            if (i > 0 && !chain[i - 1].getIssuerX500Principal().equals(chain[i].getSubjectX500Principal())) {
                throw new IllegalArgumentException("chain[" + i + "] (" + chain[i].getSubjectX500Principal()
                        + ") is not the issuer of chain[" + (i - 1) + "] (issued by "
                        + chain[i - 1].getIssuerX500Principal() + ")");
            }
        }
        byte[] keyDer = null;
        if (key != null) {
            keyDer = key.getEncoded();
            if (keyDer == null || !"PKCS#8".equalsIgnoreCase(key.getFormat())) {
                throw new IllegalArgumentException("the " + key.getAlgorithm() + " private key cannot be exported"
                        + " in PKCS#8 (format " + key.getFormat() + "): GIO needs the key's bytes, or a PKCS#11 URI"
                        + " (fromPkcs11Uris)");
            }
            if (chain[0].getPublicKey() instanceof ECPublicKey publicKey) {
                byte[] completed = Pkcs8Ec.withPublicKey(keyDer, publicKey);
                if (completed != keyDer) {
                    Arrays.fill(keyDer, (byte) 0);
                    keyDer = completed;
                }
            }
        }
        try {
            TlsCertificate issuer = null;
            try {
                for (int i = chain.length - 1; i >= 0; i--) {
                    TlsCertificate next = fromDer(encoded(chain[i], i), i == 0 ? keyDer : null, issuer);
                    if (issuer != null) {
                        issuer.close(); // next holds its own reference
                    }
                    issuer = next;
                }
                TlsCertificate leaf = issuer;
                issuer = null;
                return leaf;
            } finally {
                if (issuer != null) {
                    issuer.close();
                }
            }
        } finally {
            if (keyDer != null) {
                Arrays.fill(keyDer, (byte) 0);
            }
        }
    }

    private static byte[] encoded(X509Certificate cert, int index) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("chain[" + index + "] has no DER encoding", e);
        }
    }

    /** {@code g_tls_certificate_new_from_file}: a PEM file holding the certificate and (optionally) its key. */
    @Wraps("g_tls_certificate_new_from_file")
    public static TlsCertificate fromFile(Path file) throws GioException {
        Objects.requireNonNull(file, "file");
        NativeLibrary.ensureLoaded();
        try (BytePointer path = CStrings.utf8(file.toString())) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate cert = Gio.g_tls_certificate_new_from_file(path, error.out());
            error.check();
            return adopt(cert);
        }
    }

    /** {@code g_tls_certificate_new_from_files}: certificate (chain) and private key in two PEM files. */
    @Wraps("g_tls_certificate_new_from_files")
    public static TlsCertificate fromFiles(Path certFile, Path keyFile) throws GioException {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        NativeLibrary.ensureLoaded();
        try (BytePointer cert = CStrings.utf8(certFile.toString()); BytePointer key = CStrings.utf8(keyFile.toString())) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate result = Gio.g_tls_certificate_new_from_files(cert, key, error.out());
            error.check();
            return adopt(result);
        }
    }

    /**
     * {@code g_tls_certificate_new_from_file_with_password} (GIO 2.72): a PKCS#12 file ({@code .p12}/{@code .pfx})
     * with its password; other formats are read as by {@link #fromFile}.
     *
     * @throws TlsErrorException {@link TlsError#BAD_CERTIFICATE_PASSWORD} for a wrong password
     */
    @Wraps("g_tls_certificate_new_from_file_with_password")
    public static TlsCertificate fromFileWithPassword(Path file, String password) throws GioException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        NativeLibrary.ensureLoaded();
        try (BytePointer path = CStrings.utf8(file.toString()); BytePointer pass = CStrings.utf8(password)) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate cert = Gio.g_tls_certificate_new_from_file_with_password(path, pass, error.out());
            error.check();
            return adopt(cert);
        }
    }

    /**
     * {@code g_tls_certificate_new_from_pkcs12} (GIO 2.72): DER PKCS#12 data; {@code password} may be null for
     * an unencrypted file.
     */
    @Wraps("g_tls_certificate_new_from_pkcs12")
    public static TlsCertificate fromPkcs12(byte[] pkcs12, String password) throws GioException {
        Objects.requireNonNull(pkcs12, "pkcs12");
        NativeLibrary.ensureLoaded();
        try (BytePointer data = new BytePointer(pkcs12); BytePointer pass = CStrings.utf8(password)) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate cert = Gio.g_tls_certificate_new_from_pkcs12(data, pkcs12.length, pass, error.out());
            error.check();
            return adopt(cert);
        }
    }

    /**
     * {@code g_tls_certificate_new_from_pkcs11_uris} (GIO 2.68): a certificate and, optionally, its private key
     * on a PKCS#11 token; the token's PIN is asked through the connection's {@link TlsInteraction}.
     */
    @Wraps("g_tls_certificate_new_from_pkcs11_uris")
    public static TlsCertificate fromPkcs11Uris(String certificateUri, String privateKeyUri) throws GioException {
        Objects.requireNonNull(certificateUri, "certificateUri");
        NativeLibrary.ensureLoaded();
        try (BytePointer cert = CStrings.utf8(certificateUri); BytePointer key = CStrings.utf8(privateKeyUri)) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsCertificate result = Gio.g_tls_certificate_new_from_pkcs11_uris(cert, key, error.out());
            error.check();
            return adopt(result);
        }
    }

    /** {@code g_tls_certificate_list_new_from_file}: every certificate of a PEM file, without keys, in order. */
    @Wraps("g_tls_certificate_list_new_from_file")
    public static List<TlsCertificate> listFromFile(Path file) throws GioException {
        Objects.requireNonNull(file, "file");
        NativeLibrary.ensureLoaded();
        try (BytePointer path = CStrings.utf8(file.toString())) {
            GErrorSlot error = GErrorSlot.ofThread();
            GList list = Gio.g_tls_certificate_list_new_from_file(path, error.out());
            error.check();
            List<TlsCertificate> result = new ArrayList<>();
            for (GList node = list; node != null && !node.isNull(); node = node.next()) {
                result.add(adopt(new GTlsCertificate(node.data()))); // the list owned one reference each
            }
            if (list != null && !list.isNull()) {
                Gio.g_list_free(list);
            }
            return result;
        }
    }

    /**
     * {@code g_tls_certificate_verify}: checks this certificate (and its issuer chain) against {@code identity}
     * (a host name or IP address, or null to skip) and {@code trustedCa}. With a null {@code trustedCa} the
     * chain is not checked against any CA, so {@link TlsCertificateFlags#UNKNOWN_CA} is never set; on
     * glib-networking 2.74 nor are the validity flags then (an expired certificate gives no EXPIRED): only the
     * identity is checked.
     */
    @Wraps("g_tls_certificate_verify")
    public Set<TlsCertificateFlags> verify(String identity, TlsCertificate trustedCa) {
        Pointer connectable = identity == null ? null : ServerIdentity.connectable(identity);
        GTlsCertificate cert = handle.acquire();
        try {
            GTlsCertificate ca = trustedCa == null ? null : trustedCa.handle.acquire();
            try {
                return TlsCertificateFlags.fromBits(Gio.g_tls_certificate_verify(cert,
                        connectable == null ? null : new GSocketConnectable(connectable), ca));
            } finally {
                if (trustedCa != null) {
                    trustedCa.handle.release();
                }
            }
        } finally {
            handle.release();
            if (connectable != null) {
                Gio.g_object_unref(connectable);
            }
        }
    }

    /** {@code g_tls_certificate_get_not_valid_before} (GIO 2.70), or null if the backend cannot tell. */
    @Wraps("g_tls_certificate_get_not_valid_before")
    public Instant notValidBefore() {
        GTlsCertificate cert = handle.acquire();
        try {
            return instant(Gio.g_tls_certificate_get_not_valid_before(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_get_not_valid_after} (GIO 2.70), or null if the backend cannot tell. */
    @Wraps("g_tls_certificate_get_not_valid_after")
    public Instant notValidAfter() {
        GTlsCertificate cert = handle.acquire();
        try {
            return instant(Gio.g_tls_certificate_get_not_valid_after(cert));
        } finally {
            handle.release();
        }
    }

    private static Instant instant(GDateTime owned) {
        if (owned == null || owned.isNull()) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Gio.g_date_time_to_unix(owned));
        } finally {
            Gio.g_date_time_unref(owned);
        }
    }

    /** {@code g_tls_certificate_get_dns_names} (GIO 2.70): the subjectAltName DNS entries. */
    @Wraps("g_tls_certificate_get_dns_names")
    public List<String> dnsNames() {
        GTlsCertificate cert = handle.acquire();
        try {
            List<String> result = new ArrayList<>();
            GPtrArray array = Gio.g_tls_certificate_get_dns_names(cert);
            if (array == null || array.isNull()) {
                return result;
            }
            try (SizeTPointer size = new SizeTPointer(1)) {
                for (int i = 0; i < array.len(); i++) {
                    BytePointer data = new BytePointer(Gio.g_bytes_get_data(new GBytes(array.pdata().get(i)), size));
                    byte[] bytes = new byte[(int) size.get()];
                    data.get(bytes);
                    result.add(new String(bytes, StandardCharsets.UTF_8));
                }
            } finally {
                Gio.g_ptr_array_unref(array); // transfer container: the array's free function drops the elements
            }
            return result;
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_get_ip_addresses} (GIO 2.70): the subjectAltName IP address entries. */
    @Wraps("g_tls_certificate_get_ip_addresses")
    public List<InetAddress> ipAddresses() {
        GTlsCertificate cert = handle.acquire();
        try {
            List<InetAddress> result = new ArrayList<>();
            GPtrArray array = Gio.g_tls_certificate_get_ip_addresses(cert);
            if (array == null || array.isNull()) {
                return result;
            }
            try {
                for (int i = 0; i < array.len(); i++) {
                    String literal = CStrings.owned(Gio.g_inet_address_to_string(new GInetAddress(array.pdata().get(i))));
                    result.add(InetAddress.getByName(literal)); // a literal: parsed, never looked up
                }
            } catch (UnknownHostException e) {
                throw new IllegalStateException("GIO returned an unparsable address", e);
            } finally {
                Gio.g_ptr_array_unref(array);
            }
            return result;
        } finally {
            handle.release();
        }
    }

    /** The {@code certificate-pem} property: this certificate (not its chain) in PEM. */
    @Wraps(properties = {"GTlsCertificate:certificate-pem"})
    public String pem() {
        GTlsCertificate cert = handle.acquire();
        try {
            return GProperties.getString(cert, "certificate-pem");
        } finally {
            handle.release();
        }
    }

    /**
     * The {@code certificate} property: this certificate (not its chain) in DER, a copy on the Java heap. The
     * {@code GByteArray} GIO made for the read is unreferenced before this returns.
     */
    @Wraps(properties = {"GTlsCertificate:certificate"})
    public byte[] der() {
        GTlsCertificate cert = handle.acquire();
        try {
            return GProperties.getByteArray(cert, "certificate");
        } finally {
            handle.release();
        }
    }

    /**
     * The {@code private-key} property (readable since GLib 2.70): the private key in unencrypted PKCS#8 DER
     * ({@code PrivateKeyInfo}, whatever format it was loaded from: glib-networking exports it with
     * {@code gnutls_x509_privkey_export_pkcs8}), or null if the certificate has no key or the key cannot be
     * exported (e.g. one on a PKCS#11 token).
     * <p>
     * Who holds the secret: the returned array is a copy on the Java heap that belongs to the caller, who should
     * {@code Arrays.fill} it with zeros when done if that matters. The backend made a fresh native copy for this
     * read; it is unreferenced (freed, not wiped) before this returns. The backend's own key stays in the
     * {@code GTlsCertificate} until its last reference is dropped (this wrapper's {@link #close()}, and any
     * connection or certificate that still holds it).
     */
    @Wraps(properties = {"GTlsCertificate:private-key"})
    public byte[] privateKeyDer() {
        GTlsCertificate cert = handle.acquire();
        try {
            return GProperties.getByteArray(cert, "private-key");
        } finally {
            handle.release();
        }
    }

    /**
     * The {@code private-key-pem} property (readable since GLib 2.70): the private key as unencrypted PKCS#8 PEM
     * ({@code -----BEGIN PRIVATE KEY-----}), or null as for {@link #privateKeyDer()}. The same ownership applies:
     * the String is the caller's copy (a String cannot be wiped: prefer {@link #privateKeyDer()} if that
     * matters); GIO's native string is freed (not wiped) before this returns.
     */
    @Wraps(properties = {"GTlsCertificate:private-key-pem"})
    public String privateKeyPem() {
        GTlsCertificate cert = handle.acquire();
        try {
            return GProperties.getString(cert, "private-key-pem");
        } finally {
            handle.release();
        }
    }

    /** The {@code pkcs11-uri} property (GIO 2.68): the certificate's PKCS#11 URI, or null if it was not loaded from one. */
    @Wraps(properties = {"GTlsCertificate:pkcs11-uri"})
    public String pkcs11Uri() {
        GTlsCertificate cert = handle.acquire();
        try {
            return GProperties.getString(cert, "pkcs11-uri");
        } finally {
            handle.release();
        }
    }

    /** The {@code private-key-pkcs11-uri} property (GIO 2.68): the key's PKCS#11 URI, or null. */
    @Wraps(properties = {"GTlsCertificate:private-key-pkcs11-uri"})
    public String privateKeyPkcs11Uri() {
        GTlsCertificate cert = handle.acquire();
        try {
            return GProperties.getString(cert, "private-key-pkcs11-uri");
        } finally {
            handle.release();
        }
    }

    /**
     * This certificate and its issuers ({@link #issuer()}, repeatedly) as JDK certificates, the leaf first, each
     * parsed from {@link #der()}: the order {@code KeyStore.setKeyEntry} takes.
     */
    public X509Certificate[] toX509Chain() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(x509(der()));
        TlsCertificate current = issuer();
        while (current != null) {
            try {
                chain.add(x509(current.der()));
                TlsCertificate next = current.issuer();
                current.close();
                current = next;
            } catch (RuntimeException e) {
                current.close();
                throw e;
            }
        }
        return chain.toArray(new X509Certificate[0]);
    }

    private static X509Certificate x509(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalStateException("GIO's DER is not a parsable X.509 certificate", e);
        }
    }

    /** This certificate as a JDK {@link X509Certificate} (parsed from {@link #pem()}). */
    public X509Certificate toX509() {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(pem().getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("GIO's PEM is not a parsable X.509 certificate", e);
        }
    }

    /** {@code g_tls_certificate_get_subject_name} (transfer full), e.g. {@code CN=server.example.com}. */
    @Wraps("g_tls_certificate_get_subject_name")
    public String subjectName() {
        GTlsCertificate cert = handle.acquire();
        try {
            return CStrings.owned(Gio.g_tls_certificate_get_subject_name(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_get_issuer_name} (transfer full). */
    @Wraps("g_tls_certificate_get_issuer_name")
    public String issuerName() {
        GTlsCertificate cert = handle.acquire();
        try {
            return CStrings.owned(Gio.g_tls_certificate_get_issuer_name(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_get_issuer} (transfer none, so the result takes its own reference), or null. */
    @Wraps("g_tls_certificate_get_issuer")
    public TlsCertificate issuer() {
        GTlsCertificate cert = handle.acquire();
        try {
            return borrow(Gio.g_tls_certificate_get_issuer(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_is_same}: the same DER certificate (not necessarily the same object). */
    @Wraps("g_tls_certificate_is_same")
    public boolean isSame(TlsCertificate other) {
        Objects.requireNonNull(other, "other");
        GTlsCertificate a = handle.acquire();
        try {
            GTlsCertificate b = other.handle.acquire();
            try {
                return Gio.g_tls_certificate_is_same(a, b) != 0;
            } finally {
                other.handle.release();
            }
        } finally {
            handle.release();
        }
    }

    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return handle.isClosed() ? "TlsCertificate[closed]" : "TlsCertificate[" + subjectName() + "]";
    }
}
