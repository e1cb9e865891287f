package org.gdtls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

import org.bytedeco.javacpp.BytePointer;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;

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
    public static TlsCertificate fromPem(String pem) throws GioException {
        Objects.requireNonNull(pem, "pem");
        NativeLibrary.ensureLoaded();
        byte[] bytes = pem.getBytes(StandardCharsets.UTF_8);
        try (BytePointer data = new BytePointer(bytes.length + 1L)) {
            data.put(bytes).put(bytes.length, (byte) 0);
            GError error = GErrors.slot();
            GTlsCertificate cert = Gio.g_tls_certificate_new_from_pem(data, bytes.length, error);
            GErrors.check(error);
            return adopt(cert);
        }
    }

    /** {@code g_tls_certificate_new_from_file}: a PEM file holding the certificate and (optionally) its key. */
    public static TlsCertificate fromFile(Path file) throws GioException {
        Objects.requireNonNull(file, "file");
        NativeLibrary.ensureLoaded();
        try (BytePointer path = CStrings.utf8(file.toString())) {
            GError error = GErrors.slot();
            GTlsCertificate cert = Gio.g_tls_certificate_new_from_file(path, error);
            GErrors.check(error);
            return adopt(cert);
        }
    }

    /** {@code g_tls_certificate_new_from_files}: certificate (chain) and private key in two PEM files. */
    public static TlsCertificate fromFiles(Path certFile, Path keyFile) throws GioException {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        NativeLibrary.ensureLoaded();
        try (BytePointer cert = CStrings.utf8(certFile.toString()); BytePointer key = CStrings.utf8(keyFile.toString())) {
            GError error = GErrors.slot();
            GTlsCertificate result = Gio.g_tls_certificate_new_from_files(cert, key, error);
            GErrors.check(error);
            return adopt(result);
        }
    }

    /** {@code g_tls_certificate_get_subject_name} (transfer full), e.g. {@code CN=server.example.com}. */
    public String subjectName() {
        GTlsCertificate cert = handle.acquire();
        try {
            return CStrings.owned(Gio.g_tls_certificate_get_subject_name(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_get_issuer_name} (transfer full). */
    public String issuerName() {
        GTlsCertificate cert = handle.acquire();
        try {
            return CStrings.owned(Gio.g_tls_certificate_get_issuer_name(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_get_issuer} (transfer none, so the result takes its own reference), or null. */
    public TlsCertificate issuer() {
        GTlsCertificate cert = handle.acquire();
        try {
            return borrow(Gio.g_tls_certificate_get_issuer(cert));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_certificate_is_same}: the same DER certificate (not necessarily the same object). */
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
