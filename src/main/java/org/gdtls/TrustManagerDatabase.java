package org.gdtls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.X509TrustManager;

/**
 * {@link TlsDatabase#fromTrustManager}: the JDK's trust machinery decides whether a chain is trusted; the identity
 * (GIO's own {@code g_tls_certificate_verify} without an anchor, which checks nothing else on glib-networking 2.74)
 * and the validity periods of every certificate are checked beside it, so the flags combine as a GIO database's
 * do: an expired certificate from an unknown CA is both, where a trust manager names only the first failure it
 * met. The anchors are the trust manager's accepted issuers, for the lookups.
 */
final class TrustManagerDatabase implements TlsDatabaseImplementation {
    private final X509TrustManager trust;

    TrustManagerDatabase(X509TrustManager trust) {
        this.trust = trust;
    }

    @Override
    public Set<TlsCertificateFlags> verifyChain(TlsCertificate chain, String purpose, String identity) {
        Set<TlsCertificateFlags> flags = EnumSet.noneOf(TlsCertificateFlags.class);
        flags.addAll(chain.verify(identity, null)); // the identity, as GIO checks it
        X509Certificate[] x509 = chain.toX509Chain();
        for (X509Certificate c : x509) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException e) {
                flags.add(TlsCertificateFlags.EXPIRED);
            } catch (CertificateNotYetValidException e) {
                flags.add(TlsCertificateFlags.NOT_ACTIVATED);
            }
        }
        try {
            if (TlsDatabase.PURPOSE_AUTHENTICATE_CLIENT.equals(purpose)) {
                trust.checkClientTrusted(x509, x509[0].getPublicKey().getAlgorithm());
            } else {
                trust.checkServerTrusted(x509, "UNKNOWN"); // GIO does not say how the key will be used
            }
        } catch (CertificateException e) {
            flags.addAll(flagsOf(e));
        }
        return flags;
    }

    /** The GTlsCertificateFlags a trust manager's refusal means: the first cause that says precisely. */
    static Set<TlsCertificateFlags> flagsOf(CertificateException refusal) {
        for (Throwable t = refusal; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return EnumSet.of(TlsCertificateFlags.EXPIRED);
            }
            if (t instanceof CertificateNotYetValidException) {
                return EnumSet.of(TlsCertificateFlags.NOT_ACTIVATED);
            }
            if (t instanceof CertPathBuilderException) {
                return EnumSet.of(TlsCertificateFlags.UNKNOWN_CA); // no path to any anchor
            }
            if (t instanceof CertPathValidatorException v) {
                Set<TlsCertificateFlags> flags = flagsOf(v.getReason());
                if (flags != null) {
                    return flags;
                }
            }
        }
        return EnumSet.of(TlsCertificateFlags.GENERIC_ERROR);
    }

    private static Set<TlsCertificateFlags> flagsOf(CertPathValidatorException.Reason reason) {
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return EnumSet.of(TlsCertificateFlags.EXPIRED);
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return EnumSet.of(TlsCertificateFlags.NOT_ACTIVATED);
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return EnumSet.of(TlsCertificateFlags.REVOKED);
        }
        if (reason == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
            return EnumSet.of(TlsCertificateFlags.INSECURE);
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return EnumSet.of(TlsCertificateFlags.UNKNOWN_CA);
        }
        return null;
    }

    @Override
    public TlsCertificate lookupCertificateIssuer(TlsCertificate certificate, Set<TlsDatabaseLookupFlags> flags)
            throws GioException {
        if (flags.contains(TlsDatabaseLookupFlags.KEYPAIR)) {
            return null; // a trust manager holds no private keys
        }
        X509Certificate subject = certificate.toX509();
        for (X509Certificate anchor : trust.getAcceptedIssuers()) {
            if (anchor.getSubjectX500Principal().equals(subject.getIssuerX500Principal()) && signed(subject, anchor)) {
                return TlsCertificate.of(new X509Certificate[] {anchor}, null);
            }
        }
        return null;
    }

    @Override
    public List<TlsCertificate> lookupCertificatesIssuedBy(byte[] issuerRawDn, Set<TlsDatabaseLookupFlags> flags)
            throws GioException {
        List<TlsCertificate> found = new ArrayList<>();
        if (flags.contains(TlsDatabaseLookupFlags.KEYPAIR)) {
            return found;
        }
        for (X509Certificate anchor : trust.getAcceptedIssuers()) {
            if (Arrays.equals(anchor.getIssuerX500Principal().getEncoded(), issuerRawDn)) {
                found.add(TlsCertificate.of(new X509Certificate[] {anchor}, null));
            }
        }
        return found;
    }

    private static boolean signed(X509Certificate subject, X509Certificate issuer) {
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
