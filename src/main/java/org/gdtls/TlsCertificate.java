package org.gdtls;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
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
     * chain is not checked against any CA, so {@link TlsCertificateFlags#UNKNOWN_CA} is never set.
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
