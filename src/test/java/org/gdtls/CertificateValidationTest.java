package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/**
 * The validation matrix against the real backend: for each server certificate, the exact flags the client's
 * accept-certificate sees, and the outcome when the listener accepts or rejects.
 */
@Timeout(60)
class CertificateValidationTest {

    /** Each server certificate of the test PKI, its key, and the flags a client trusting ca.pem sees. */
    static Stream<Arguments> serverCertificates() {
        return Stream.of(
                Arguments.of("server.pem", "server-key.pem", Set.of()),
                Arguments.of("server-chain.pem", "server-chain-key.pem", Set.of()),
                Arguments.of("untrusted-server.pem", "untrusted-server-key.pem", Set.of(TlsCertificateFlags.UNKNOWN_CA)),
                Arguments.of("expired.pem", "expired-key.pem", Set.of(TlsCertificateFlags.EXPIRED)),
                Arguments.of("not-yet-valid.pem", "not-yet-valid-key.pem", Set.of(TlsCertificateFlags.NOT_ACTIVATED)),
                Arguments.of("wrong-host.pem", "wrong-host-key.pem", Set.of(TlsCertificateFlags.BAD_IDENTITY)));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("serverCertificates")
    void flagsAndOutcome(String cert, String key, Set<TlsCertificateFlags> expected) throws Exception {
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
}
