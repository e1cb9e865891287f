package org.gdtls;

import java.util.List;
import java.util.Set;

/**
 * The methods of a {@link TlsDatabase} written in Java ({@link TlsDatabase#implementedBy}): GIO calls them where it
 * would call a {@code GTlsDatabaseClass} vfunc, i.e. when a connection validates its peer and when anyone calls the
 * database's operations. Only {@link #verifyChain} is required; the lookups find nothing by default.
 *
 * <p>Threads: the binding runs each call on a thread of its own ("gdtls-tls-database"), never on GIO's handshake
 * thread, and gives up waiting after the database's timeout (the call then fails with {@code G_IO_ERROR_TIMED_OUT}
 * and a verification with {@link TlsCertificateFlags#GENERIC_ERROR}). Certificates passed in are valid during
 * the call only; certificates returned are the implementation's: GIO takes a reference of its own.
 *
 * <p>Failures: a {@link GioException} becomes the GError of the call (a verification also reports
 * {@link TlsCertificateFlags#GENERIC_ERROR}, as GIO requires); any other exception is reported
 * ({@link Gdtls#setCallbackExceptionHandler}) and the call fails the same way with {@code G_IO_ERROR_FAILED}. A chain
 * is never trusted because the implementation failed to answer.
 */
public interface TlsDatabaseImplementation {
    /**
     * {@code GTlsDatabaseClass.verify_chain}: what is wrong with {@code chain} (a certificate and its issuers,
     * {@link TlsCertificate#issuer()}) for {@code purpose}; an empty set trusts it.
     *
     * @param purpose {@link TlsDatabase#PURPOSE_AUTHENTICATE_SERVER} (a client checks its server) or
     *                {@link TlsDatabase#PURPOSE_AUTHENTICATE_CLIENT}, or another OID
     * @param identity the host name or IP address the certificate must be for, or null to skip that check
     */
    @Wraps("GTlsDatabaseClass.verify_chain")
    Set<TlsCertificateFlags> verifyChain(TlsCertificate chain, String purpose, String identity) throws GioException;

    /** {@code GTlsDatabaseClass.lookup_certificate_issuer}: the issuer of {@code certificate}, or null. */
    @Wraps("GTlsDatabaseClass.lookup_certificate_issuer")
    default TlsCertificate lookupCertificateIssuer(TlsCertificate certificate, Set<TlsDatabaseLookupFlags> flags)
            throws GioException {
        return null;
    }

    /** {@code GTlsDatabaseClass.lookup_certificates_issued_by}: certificates issued by that DER-encoded name. */
    @Wraps("GTlsDatabaseClass.lookup_certificates_issued_by")
    default List<TlsCertificate> lookupCertificatesIssuedBy(byte[] issuerRawDn, Set<TlsDatabaseLookupFlags> flags)
            throws GioException {
        return List.of();
    }

    /** {@code GTlsDatabaseClass.create_certificate_handle}: a name for {@code certificate}, or null for none. */
    @Wraps("GTlsDatabaseClass.create_certificate_handle")
    default String createCertificateHandle(TlsCertificate certificate) {
        return null;
    }

    /** {@code GTlsDatabaseClass.lookup_certificate_for_handle}: the certificate {@code handle} names, or null. */
    @Wraps("GTlsDatabaseClass.lookup_certificate_for_handle")
    default TlsCertificate lookupCertificateForHandle(String handle, Set<TlsDatabaseLookupFlags> flags)
            throws GioException {
        return null;
    }
}
