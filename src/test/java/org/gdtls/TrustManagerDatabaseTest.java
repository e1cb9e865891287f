package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * How a trust manager's refusal becomes GTlsCertificateFlags: the JDK wraps its reasons (sun.security's
 * ValidatorException is a CertificateException whose cause says why), so the first precise cause decides.
 */
class TrustManagerDatabaseTest {

    private static CertificateException wrapped(Throwable cause) {
        return new CertificateException("PKIX path validation failed: " + cause, cause);
    }

    private static CertPathValidatorException because(CertPathValidatorException.Reason reason) {
        return new CertPathValidatorException("refused", null, null, -1, reason);
    }

    @Test
    void eachReasonHasItsFlag() {
        assertEquals(Set.of(TlsCertificateFlags.EXPIRED),
                TrustManagerDatabase.flagsOf(new CertificateExpiredException("NotAfter")));
        assertEquals(Set.of(TlsCertificateFlags.NOT_ACTIVATED),
                TrustManagerDatabase.flagsOf(wrapped(new CertificateNotYetValidException("NotBefore"))));
        assertEquals(Set.of(TlsCertificateFlags.UNKNOWN_CA),
                TrustManagerDatabase.flagsOf(wrapped(new CertPathBuilderException("unable to find valid certification path"))));
        assertEquals(Set.of(TlsCertificateFlags.UNKNOWN_CA),
                TrustManagerDatabase.flagsOf(wrapped(because(PKIXReason.NO_TRUST_ANCHOR))));
        assertEquals(Set.of(TlsCertificateFlags.REVOKED),
                TrustManagerDatabase.flagsOf(wrapped(because(CertPathValidatorException.BasicReason.REVOKED))));
        assertEquals(Set.of(TlsCertificateFlags.INSECURE), TrustManagerDatabase.flagsOf(
                wrapped(because(CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED))));
        assertEquals(Set.of(TlsCertificateFlags.EXPIRED),
                TrustManagerDatabase.flagsOf(wrapped(because(CertPathValidatorException.BasicReason.EXPIRED))));
        assertEquals(Set.of(TlsCertificateFlags.NOT_ACTIVATED),
                TrustManagerDatabase.flagsOf(wrapped(because(CertPathValidatorException.BasicReason.NOT_YET_VALID))));
    }

    @Test
    void whatNamesNoReasonIsGeneric() {
        assertEquals(Set.of(TlsCertificateFlags.GENERIC_ERROR),
                TrustManagerDatabase.flagsOf(new CertificateException("Extended key usage does not permit use")));
        assertEquals(Set.of(TlsCertificateFlags.GENERIC_ERROR), TrustManagerDatabase.flagsOf(
                wrapped(because(CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS))));
        assertEquals(Set.of(TlsCertificateFlags.GENERIC_ERROR),
                TrustManagerDatabase.flagsOf(wrapped(because(PKIXReason.NAME_CHAINING))));
    }
}
