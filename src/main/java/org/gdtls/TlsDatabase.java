package org.gdtls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.async.AsyncOperation;
import org.gdtls.internal.gen.GByteArray;
import org.gdtls.internal.gen.GList;
import org.gdtls.internal.gen.GSocketConnectable;
import org.gdtls.internal.gen.GTlsCertificate;
import org.gdtls.internal.gen.GTlsDatabase;
import org.gdtls.internal.gen.GTlsInteraction;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;
import org.gdtls.internal.glue.ServerIdentity;

/**
 * A {@code GTlsDatabase}: the trust anchors a connection validates its peer against, and the lookups GIO's
 * backends use to build chains. Every operation exists blocking (it may do I/O, e.g. on a PKCS#11 token) and as
 * a {@link CompletableFuture} completed on a {@link MainContextPump}'s thread.
 */
public final class TlsDatabase implements AutoCloseable {
    final ObjectHandle<GTlsDatabase> handle;

    private TlsDatabase(GTlsDatabase owned) {
        this.handle = new ObjectHandle<>(this, owned, "TlsDatabase");
    }

    /** Wraps an owned object (transfer full): this wrapper's reference. */
    static TlsDatabase adopt(GTlsDatabase owned) {
        return new TlsDatabase(owned);
    }

    /** Wraps a borrowed object (transfer none): takes a reference of its own; null stays null. */
    static TlsDatabase borrow(GTlsDatabase borrowed) {
        if (borrowed == null || borrowed.isNull()) {
            return null;
        }
        Gio.g_object_ref(borrowed);
        return new TlsDatabase(new GTlsDatabase(borrowed));
    }

    /**
     * {@code g_tls_file_database_new}: trusts the CA certificates of a PEM file. The path is made absolute: GIO
     * ignores a relative anchors path (with a warning) and then trusts nothing.
     */
    @Wraps("g_tls_file_database_new")
    public static TlsDatabase fromFile(Path caFile) throws GioException {
        Objects.requireNonNull(caFile, "caFile");
        NativeLibrary.ensureLoaded();
        try (BytePointer path = CStrings.utf8(caFile.toAbsolutePath().toString())) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsDatabase db = Gio.g_tls_file_database_new(path, error.out());
            error.check();
            return new TlsDatabase(db);
        }
    }

    /** How long a vfunc waits for a {@link TlsDatabaseImplementation} by default. */
    public static final Duration DEFAULT_IMPLEMENTATION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A {@code GTlsDatabase} whose methods are {@code implementation}'s (a GObject subclass in the binding's glue):
     * GIO, and every connection given this database, verify and look up through it. Each call waits at most
     * {@link #DEFAULT_IMPLEMENTATION_TIMEOUT}; see {@link TlsDatabaseImplementation} for threads and failures.
     * The implementation is held until GIO lets go of the database (a connection may outlive this wrapper): it
     * must not hold this wrapper, or neither is ever collected.
     */
    public static TlsDatabase implementedBy(TlsDatabaseImplementation implementation) {
        return implementedBy(implementation, DEFAULT_IMPLEMENTATION_TIMEOUT);
    }

    /** {@link #implementedBy(TlsDatabaseImplementation)} with each call bounded by {@code timeout}. */
    public static TlsDatabase implementedBy(TlsDatabaseImplementation implementation, Duration timeout) {
        Objects.requireNonNull(implementation, "implementation");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new TlsDatabase(JavaTlsDatabase.create(implementation, timeout));
    }

    /**
     * GIO validating through the JDK's trust machinery: {@code trustManager} decides whether a chain is trusted
     * ({@code checkClientTrusted} for {@link #PURPOSE_AUTHENTICATE_CLIENT}, {@code checkServerTrusted} for
     * {@link #PURPOSE_AUTHENTICATE_SERVER} and any other purpose) and GIO's own checks add the identity and the validity periods. A refusal
     * becomes the precise flag its cause names: {@link TlsCertificateFlags#UNKNOWN_CA} (no path to an anchor),
     * {@code EXPIRED}, {@code NOT_ACTIVATED}, {@code REVOKED}, {@code INSECURE} (an algorithm constraint), else
     * {@code GENERIC_ERROR}. Where the JDK is stricter than GnuTLS, the flags say so: the JDK checks the extended
     * key usage for the purpose (a client certificate checked as a server's gets {@code GENERIC_ERROR}), which
     * glib-networking's file database does not. The lookups search the trust manager's accepted issuers.
     */
    public static TlsDatabase fromTrustManager(X509TrustManager trustManager) {
        return implementedBy(new TrustManagerDatabase(Objects.requireNonNull(trustManager, "trustManager")));
    }

    /**
     * {@link #fromTrustManager} with the JDK's PKIX trust manager over {@code trustStore}'s certificates (as
     * {@code TrustManagerFactory.getInstance("PKIX").init(trustStore)}); a null store is the JDK's default
     * ({@code cacerts}, or {@code javax.net.ssl.trustStore}).
     */
    public static TlsDatabase fromKeyStore(KeyStore trustStore) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trustStore);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return fromTrustManager(x509);
            }
        }
        throw new KeyStoreException("no X509TrustManager from PKIX");
    }

    /**
     * {@code g_tls_backend_get_default_database}: the system's trust store, or the database given to
     * {@link TlsBackend#setDefaultDatabase} if one was. The same as {@link TlsBackend#defaultDatabase()}.
     */
    @Wraps("g_tls_backend_get_default_database")
    public static TlsDatabase systemDefault() {
        return TlsBackend.defaultDatabase();
    }

    /** {@code G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER}: the purpose for checking a server's certificate. */
    public static final String PURPOSE_AUTHENTICATE_SERVER = "1.3.6.1.5.5.7.3.1";
    /** {@code G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT}: the purpose for checking a client's certificate. */
    public static final String PURPOSE_AUTHENTICATE_CLIENT = "1.3.6.1.5.5.7.3.2";

    /**
     * {@code g_tls_database_verify_chain}: checks {@code chain} (a certificate and its issuers,
     * {@link TlsCertificate#issuer()}) against this database's anchors, its validity dates, and {@code identity}
     * (a host name or IP address; null skips the identity check). The result is what a connection would report as
     * its peer's errors: empty means trusted. A failure to verify at all (not an untrusted chain) throws.
     *
     * @param purpose {@link #PURPOSE_AUTHENTICATE_SERVER} or {@link #PURPOSE_AUTHENTICATE_CLIENT} (an OID)
     * @param interaction for a database that needs a password (PKCS#11), or null
     * @param cancellable null for none
     */
    @Wraps("g_tls_database_verify_chain")
    public Set<TlsCertificateFlags> verifyChain(TlsCertificate chain, String purpose, String identity,
                                                TlsInteraction interaction, Cancellable cancellable) throws GioException {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(purpose, "purpose");
        try (Held held = new Held(); BytePointer p = CStrings.utf8(purpose)) {
            GTlsCertificate c = held.ref(chain.handle);
            GTlsInteraction i = held.ref(interaction);
            GSocketConnectable id = held.connectable(identity);
            return handle.call(db -> {
                GErrorSlot error = GErrorSlot.ofThread();
                int flags = Gio.g_tls_database_verify_chain(db, c, p, id, i, Gio.G_TLS_DATABASE_VERIFY_NONE,
                        Cancellable.acquire(cancellable), error.out());
                Cancellable.release(cancellable);
                error.check();
                return TlsCertificateFlags.fromBits(flags);
            });
        }
    }

    /** {@link #verifyChain(TlsCertificate, String, String, TlsInteraction, Cancellable)} without interaction. */
    public Set<TlsCertificateFlags> verifyChain(TlsCertificate chain, String purpose, String identity)
            throws GioException {
        return verifyChain(chain, purpose, identity, null, null);
    }

    /**
     * {@code g_tls_database_verify_chain_async}: {@link #verifyChain} on GIO's worker threads, completed on
     * {@code pump}'s thread. Cancelling the future cancels the operation.
     */
    @Wraps({"g_tls_database_verify_chain_async", "g_tls_database_verify_chain_finish"})
    public CompletableFuture<Set<TlsCertificateFlags>> verifyChainAsync(TlsCertificate chain, String purpose,
            String identity, TlsInteraction interaction, MainContextPump pump, Cancellable cancellable) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(purpose, "purpose");
        Held held = new Held();
        try {
            GTlsCertificate c = held.ref(chain.handle);
            GTlsInteraction i = held.ref(interaction);
            GSocketConnectable id = held.connectable(identity);
            BytePointer p = held.utf8(purpose);
            return start(pump, cancellable, held,
                    (db, gc, callback, data) -> Gio.g_tls_database_verify_chain_async(db, c, p, id, i,
                            Gio.G_TLS_DATABASE_VERIFY_NONE, gc, callback, data),
                    (db, result, error) -> {
                        int flags = Gio.g_tls_database_verify_chain_finish(db, result, error.out());
                        error.check();
                        return TlsCertificateFlags.fromBits(flags);
                    });
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /**
     * {@link #verifyChainAsync(TlsCertificate, String, String, TlsInteraction, MainContextPump, Cancellable)} on the
     * default pump, without interaction.
     */
    public CompletableFuture<Set<TlsCertificateFlags>> verifyChainAsync(TlsCertificate chain, String purpose,
                                                                        String identity) {
        return verifyChainAsync(chain, purpose, identity, null, MainContextPump.defaultPump(), null);
    }

    /**
     * {@code g_tls_database_lookup_certificate_issuer}: the certificate in this database that issued
     * {@code certificate}, or null if there is none (GIO reports no error then).
     */
    @Wraps("g_tls_database_lookup_certificate_issuer")
    public TlsCertificate lookupCertificateIssuer(TlsCertificate certificate, TlsInteraction interaction,
            Set<TlsDatabaseLookupFlags> flags, Cancellable cancellable) throws GioException {
        Objects.requireNonNull(certificate, "certificate");
        int bits = TlsDatabaseLookupFlags.toBits(Objects.requireNonNull(flags, "flags"));
        try (Held held = new Held()) {
            GTlsCertificate c = held.ref(certificate.handle);
            GTlsInteraction i = held.ref(interaction);
            return handle.call(db -> {
                GErrorSlot error = GErrorSlot.ofThread();
                GTlsCertificate issuer = Gio.g_tls_database_lookup_certificate_issuer(db, c, i, bits,
                        Cancellable.acquire(cancellable), error.out());
                Cancellable.release(cancellable);
                return certificateOrNull(issuer, error);
            });
        }
    }

    /**
     * {@code g_tls_database_lookup_certificate_issuer_async}: {@link #lookupCertificateIssuer}, as a future. GIO's
     * default implementation (the file and system databases use it) logs two CRITICALs when it finds nothing,
     * in C as here: its worker returns a NULL GError (gtlsdatabase.c, still so in GLib 2.88). The future then
     * completes with null. The same holds for the other two lookups' futures.
     */
    @Wraps({"g_tls_database_lookup_certificate_issuer_async", "g_tls_database_lookup_certificate_issuer_finish"})
    public CompletableFuture<TlsCertificate> lookupCertificateIssuerAsync(TlsCertificate certificate,
            TlsInteraction interaction, Set<TlsDatabaseLookupFlags> flags, MainContextPump pump,
            Cancellable cancellable) {
        Objects.requireNonNull(certificate, "certificate");
        int bits = TlsDatabaseLookupFlags.toBits(Objects.requireNonNull(flags, "flags"));
        Held held = new Held();
        try {
            GTlsCertificate c = held.ref(certificate.handle);
            GTlsInteraction i = held.ref(interaction);
            return start(pump, cancellable, held,
                    (db, gc, callback, data) -> Gio.g_tls_database_lookup_certificate_issuer_async(db, c, i, bits, gc,
                            callback, data),
                    (db, result, error) -> certificateOrNull(
                            Gio.g_tls_database_lookup_certificate_issuer_finish(db, result, error.out()), error));
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /**
     * {@code g_tls_database_lookup_certificates_issued_by}: the certificates in this database whose issuer is
     * {@code issuerRawDn} (a DER-encoded distinguished name, as {@link X500Principal#getEncoded()} gives), in
     * GIO's order; empty if none.
     */
    @Wraps("g_tls_database_lookup_certificates_issued_by")
    public List<TlsCertificate> lookupCertificatesIssuedBy(byte[] issuerRawDn, TlsInteraction interaction,
            Set<TlsDatabaseLookupFlags> flags, Cancellable cancellable) throws GioException {
        int bits = TlsDatabaseLookupFlags.toBits(Objects.requireNonNull(flags, "flags"));
        try (Held held = new Held()) {
            GByteArray dn = held.byteArray(Objects.requireNonNull(issuerRawDn, "issuerRawDn"));
            GTlsInteraction i = held.ref(interaction);
            return handle.call(db -> {
                GErrorSlot error = GErrorSlot.ofThread();
                GList list = Gio.g_tls_database_lookup_certificates_issued_by(db, dn, i, bits,
                        Cancellable.acquire(cancellable), error.out());
                Cancellable.release(cancellable);
                return certificates(list, error);
            });
        }
    }

    /** {@link #lookupCertificatesIssuedBy(byte[], TlsInteraction, Set, Cancellable)} for a Java principal. */
    public List<TlsCertificate> lookupCertificatesIssuedBy(X500Principal issuer) throws GioException {
        return lookupCertificatesIssuedBy(issuer.getEncoded(), null, Set.of(), null);
    }

    /** {@code g_tls_database_lookup_certificates_issued_by_async}: {@link #lookupCertificatesIssuedBy}, as a future. */
    @Wraps({"g_tls_database_lookup_certificates_issued_by_async", "g_tls_database_lookup_certificates_issued_by_finish"})
    public CompletableFuture<List<TlsCertificate>> lookupCertificatesIssuedByAsync(byte[] issuerRawDn,
            TlsInteraction interaction, Set<TlsDatabaseLookupFlags> flags, MainContextPump pump,
            Cancellable cancellable) {
        int bits = TlsDatabaseLookupFlags.toBits(Objects.requireNonNull(flags, "flags"));
        Objects.requireNonNull(issuerRawDn, "issuerRawDn");
        Held held = new Held();
        try {
            GByteArray dn = held.byteArray(issuerRawDn);
            GTlsInteraction i = held.ref(interaction);
            return start(pump, cancellable, held,
                    (db, gc, callback, data) -> Gio.g_tls_database_lookup_certificates_issued_by_async(db, dn, i, bits,
                            gc, callback, data),
                    (db, result, error) -> certificates(
                            Gio.g_tls_database_lookup_certificates_issued_by_finish(db, result, error.out()), error));
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /**
     * {@code g_tls_database_create_certificate_handle}: a string that {@link #lookupCertificateForHandle} turns
     * back into {@code certificate}, or null if this database cannot name it (glib-networking names only the
     * certificates it holds, and not those of the system trust store).
     */
    @Wraps("g_tls_database_create_certificate_handle")
    public String createCertificateHandle(TlsCertificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try (Held held = new Held()) {
            GTlsCertificate c = held.ref(certificate.handle);
            return handle.call(db -> CStrings.owned(Gio.g_tls_database_create_certificate_handle(db, c)));
        }
    }

    /**
     * {@code g_tls_database_lookup_certificate_for_handle}: the certificate {@code handle} names (see
     * {@link #createCertificateHandle}), or null if this database has none by that name.
     */
    @Wraps("g_tls_database_lookup_certificate_for_handle")
    public TlsCertificate lookupCertificateForHandle(String handle, TlsInteraction interaction,
            Set<TlsDatabaseLookupFlags> flags, Cancellable cancellable) throws GioException {
        int bits = TlsDatabaseLookupFlags.toBits(Objects.requireNonNull(flags, "flags"));
        try (Held held = new Held()) {
            BytePointer h = held.utf8(Objects.requireNonNull(handle, "handle"));
            GTlsInteraction i = held.ref(interaction);
            return this.handle.call(db -> {
                GErrorSlot error = GErrorSlot.ofThread();
                GTlsCertificate found = Gio.g_tls_database_lookup_certificate_for_handle(db, h, i, bits,
                        Cancellable.acquire(cancellable), error.out());
                Cancellable.release(cancellable);
                return certificateOrNull(found, error);
            });
        }
    }

    /** {@code g_tls_database_lookup_certificate_for_handle_async}: {@link #lookupCertificateForHandle}, as a future. */
    @Wraps({"g_tls_database_lookup_certificate_for_handle_async", "g_tls_database_lookup_certificate_for_handle_finish"})
    public CompletableFuture<TlsCertificate> lookupCertificateForHandleAsync(String handle, TlsInteraction interaction,
            Set<TlsDatabaseLookupFlags> flags, MainContextPump pump, Cancellable cancellable) {
        int bits = TlsDatabaseLookupFlags.toBits(Objects.requireNonNull(flags, "flags"));
        Objects.requireNonNull(handle, "handle");
        Held held = new Held();
        try {
            BytePointer h = held.utf8(handle);
            GTlsInteraction i = held.ref(interaction);
            return start(pump, cancellable, held,
                    (db, gc, callback, data) -> Gio.g_tls_database_lookup_certificate_for_handle_async(db, h, i, bits,
                            gc, callback, data),
                    (db, result, error) -> certificateOrNull(
                            Gio.g_tls_database_lookup_certificate_for_handle_finish(db, result, error.out()), error));
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    @Override
    public void close() {
        handle.close();
    }

    /**
     * One async database operation. It works on a reference of its own (taken now: a closed database throws
     * here), so closing this wrapper at once does not end it; {@code held} is let go of once GIO is done.
     */
    private <T> CompletableFuture<T> start(MainContextPump pump, Cancellable cancellable, Held held,
            AsyncOperation.Starter<GTlsDatabase> starter, AsyncOperation.Finisher<GTlsDatabase, T> finisher) {
        return AsyncOperation.start(MainContextPump.loop(pump), this, held.own(handle), Cancellable.core(cancellable),
                starter, finisher, held::close);
    }

    /** A transfer-full certificate, or null with the GError (if any) thrown. */
    private static TlsCertificate certificateOrNull(GTlsCertificate owned, GErrorSlot error) throws GioException {
        boolean found = owned != null && !owned.isNull();
        if (error.isSet()) {
            if (found) {
                Gio.g_object_unref(owned);
            }
            error.check();
        }
        return found ? TlsCertificate.adopt(owned) : null;
    }

    /** A transfer-full GList of certificates (each reference and the list are ours), or its GError thrown. */
    private static List<TlsCertificate> certificates(GList list, GErrorSlot error) throws GioException {
        List<TlsCertificate> result = new ArrayList<>();
        for (GList node = list; node != null && !node.isNull(); node = node.next()) {
            result.add(TlsCertificate.adopt(new GTlsCertificate(node.data())));
        }
        if (list != null && !list.isNull()) {
            Gio.g_list_free(list);
        }
        if (error.isSet()) {
            result.forEach(TlsCertificate::close);
            error.check();
        }
        return result;
    }

    /**
     * The native arguments of one operation, each with a reference of its own: a wrapper closed meanwhile by
     * another thread cannot free them under GIO, also while an async operation waits for the pump. Closed
     * once, by the thread that ends the operation.
     */
    private static final class Held implements AutoCloseable {
        private final List<Pointer> objects = new ArrayList<>();
        private final List<BytePointer> strings = new ArrayList<>();
        private GByteArray array;
        private ObjectHandle<GTlsDatabase> database;

        /** The database under a handle of the operation's own, which {@link #close()} closes. */
        ObjectHandle<GTlsDatabase> own(ObjectHandle<GTlsDatabase> h) {
            GTlsDatabase db = h.call(p -> {
                Gio.g_object_ref(p);
                return p;
            });
            database = new ObjectHandle<>(this, db, "TlsDatabase (an operation's reference)");
            return database;
        }

        <P extends Pointer> P ref(ObjectHandle<P> h) {
            return h.call(p -> {
                Gio.g_object_ref(p);
                objects.add(p);
                return p;
            });
        }

        GTlsInteraction ref(TlsInteraction interaction) {
            return interaction == null ? null : ref(interaction.handle);
        }

        GSocketConnectable connectable(String identity) {
            if (identity == null) {
                return null;
            }
            Pointer c = ServerIdentity.connectable(identity); // a new reference
            objects.add(c);
            return new GSocketConnectable(c);
        }

        BytePointer utf8(String s) {
            BytePointer p = CStrings.utf8(s);
            strings.add(p);
            return p;
        }

        GByteArray byteArray(byte[] bytes) {
            array = Gio.g_byte_array_new();
            Gio.g_byte_array_append(array, bytes, bytes.length); // GIO takes its own reference if it keeps it
            return array;
        }

        @Override
        public void close() {
            objects.forEach(Gio::g_object_unref);
            objects.clear();
            strings.forEach(BytePointer::close);
            strings.clear();
            if (array != null) {
                Gio.g_byte_array_unref(array);
                array = null;
            }
            if (database != null) {
                database.close(); // after GIO's callback: the operation's lease, if any, is the last user
            }
        }
    }
}
