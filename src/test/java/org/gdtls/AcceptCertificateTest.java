package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GTlsConnection::accept-certificate on a GDtlsClientConnection (g_signal_connect_data by name on the instance). */
@Timeout(60)
class AcceptCertificateTest {

    record Call(Thread thread, String subject, Set<TlsCertificateFlags> errors) {}

    @Test
    @Covers({"GDtlsConnection::accept-certificate", "g_dtls_connection_handshake", "g_signal_connect_data"})
    void unknownCaRejectedFailsWithBadCertificate() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            pair.client.onAcceptCertificate((conn, cert, errors) -> {
                calls.add(new Call(Thread.currentThread(), cert.subjectName(), errors));
                return false;
            });
            LoopbackPair.Outcome outcome = pair.handshakeBoth();

            TlsErrorException error = assertInstanceOf(TlsErrorException.class, outcome.client());
            assertEquals(TlsError.BAD_CERTIFICATE, error.code());
            assertEquals(GioException.TLS_ERROR_DOMAIN, error.domain());
            assertEquals(1, calls.size());
            assertEquals(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA), calls.get(0).errors());
            assertTrue(calls.get(0).subject().contains("server.example.com"), calls.get(0).subject());
            // In a synchronous handshake GIO emits on the thread that called handshake().
            assertSame(Thread.currentThread(), calls.get(0).thread());
        }
    }

    @Test
    @Covers({"GDtlsConnection::accept-certificate", "g_dtls_connection_get_peer_certificate_errors"})
    void unknownCaAcceptedByListenerCompletesHandshake() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            pair.client.onAcceptCertificate((conn, cert, errors) -> errors.equals(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA)));
            pair.handshake();
            assertEquals(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA), pair.client.peerCertificateErrors());
        }
    }

    @Test
    @Covers({"GDtlsConnection::accept-certificate"})
    void throwingListenerCountsAsRejectionAndIsReported() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Gdtls.setCallbackExceptionHandler((where, t) -> reported.add(t));
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            pair.client.onAcceptCertificate((conn, cert, errors) -> {
                throw new IllegalStateException("listener bug");
            });
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(TlsError.BAD_CERTIFICATE, assertInstanceOf(TlsErrorException.class, outcome.client()).code());
            assertEquals(1, reported.size());
            assertEquals("listener bug", reported.get(0).getMessage());
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    /** GObject's accumulator for accept-certificate: handlers run in order until one returns TRUE. */
    @Test
    @Covers({"GDtlsConnection::accept-certificate"})
    void firstListenerReturningTrueEndsTheEmission() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            pair.client.onAcceptCertificate((conn, cert, errors) -> order.add("first") && false);
            pair.client.onAcceptCertificate((conn, cert, errors) -> order.add("second"));
            pair.client.onAcceptCertificate((conn, cert, errors) -> order.add("third"));
            pair.handshake();
            assertEquals(List.of("first", "second"), order);
        }
    }

    @Test
    @Covers({"GDtlsConnection::accept-certificate"})
    void unsubscribedListenerIsNotCalled() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (LoopbackPair pair = LoopbackPair.create("untrusted-server.pem", "untrusted-server-key.pem")) {
            Subscription s = pair.client.onAcceptCertificate((conn, cert, errors) -> {
                calls.add(new Call(Thread.currentThread(), null, errors));
                return true;
            });
            s.close();
            s.close(); // idempotent
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(TlsError.BAD_CERTIFICATE, assertInstanceOf(TlsErrorException.class, outcome.client()).code());
            assertTrue(calls.isEmpty());
        }
    }

    @Test
    void trustedServerNeedsNoListener() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.client.onAcceptCertificate((conn, cert, errors) -> {
                calls.add(new Call(Thread.currentThread(), null, errors));
                return false;
            });
            pair.handshake();
            assertTrue(calls.isEmpty());
            assertNull(pair.client.negotiatedProtocol());
        }
    }
}
