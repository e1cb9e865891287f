package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

/**
 * The validation matrix against the real backend: for each server certificate, the exact flags the client's
 * accept-certificate sees, and the outcome when the listener accepts or rejects.
 */
@Timeout(60)
class CertificateValidationTest {

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource({
            "server.pem,           server-key.pem,           ''",
            "server-chain.pem,     server-chain-key.pem,     ''",
            "untrusted-server.pem, untrusted-server-key.pem, UNKNOWN_CA",
            "expired.pem,          expired-key.pem,          EXPIRED",
            "not-yet-valid.pem,    not-yet-valid-key.pem,    NOT_ACTIVATED",
            "wrong-host.pem,       wrong-host-key.pem,       BAD_IDENTITY",
    })
    void flagsAndOutcome(String cert, String key, String expectedFlags) throws Exception {
        Set<TlsCertificateFlags> expected = parse(expectedFlags);
        for (boolean accept : new boolean[] {true, false}) {
            try (LoopbackPair pair = LoopbackPair.create(cert, key)) {
                List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
                pair.client.onAcceptCertificate((c, peer, errors) -> seen.add(errors) && accept);
                LoopbackPair.Outcome outcome = pair.handshakeBoth();
                if (expected.isEmpty()) {
                    assertEquals(List.of(), seen, "a valid chain is not offered to accept-certificate");
                    assertEquals(null, outcome.client());
                } else {
                    assertEquals(List.of(expected), seen);
                    if (accept) {
                        assertEquals(null, outcome.client());
                        assertEquals(expected, pair.client.peerCertificateErrors());
                    } else {
                        assertEquals(TlsError.BAD_CERTIFICATE,
                                assertInstanceOf(TlsErrorException.class, outcome.client()).code());
                    }
                }
            }
        }
    }

    private static Set<TlsCertificateFlags> parse(String flags) {
        EnumSet<TlsCertificateFlags> set = EnumSet.noneOf(TlsCertificateFlags.class);
        for (String f : flags.split("\\|")) {
            if (!f.isBlank()) {
                set.add(TlsCertificateFlags.valueOf(f.strip()));
            }
        }
        return set;
    }
}
