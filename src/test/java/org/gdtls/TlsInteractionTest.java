package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GTlsInteraction implemented in Java (the glue's GdtlsInteraction): request_certificate and ask_password. */
@Timeout(60)
class TlsInteractionTest {

    /** GTlsInteractionClass.request_certificate, reached from a real handshake; g_dtls_connection_set/get_interaction. */
    @Test
    @Covers({"g_dtls_connection_set_interaction", "g_dtls_connection_get_interaction", "GDtlsConnection:interaction", "GTlsInteractionClass.request_certificate"})
    void clientCertificateOnDemand() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate clientCert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"));
             TlsInteraction interaction = new TlsInteraction() {
                 @Override
                 protected TlsCertificate requestCertificate(DtlsConnection connection) {
                     thread.set(Thread.currentThread());
                     assertSame(pair.client, connection);
                     return clientCert;
                 }
             }) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.server.onAcceptCertificate((c, cert, errors) -> cert.isSame(clientCert));
            pair.client.setInteraction(interaction);
            assertSame(interaction, pair.client.interaction());
            pair.handshake();
            try (TlsCertificate atServer = pair.server.peerCertificate()) {
                assertTrue(atServer.isSame(clientCert));
            }
            // GnuTLS asks from the backend's handshake worker, a GLib thread the glue attached as a daemon.
            assertTrue(thread.get().getName().startsWith("gdtls-native-"), thread.get().getName());
            assertTrue(thread.get().isDaemon());
        }
    }

    @Test
    void unhandledRequestLeavesServerWithoutCertificate() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create(); TlsInteraction nothing = new TlsInteraction() { }) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.client.setInteraction(nothing);
            LoopbackPair.Outcome outcome = pair.handshakeBoth();
            assertEquals(TlsError.CERTIFICATE_REQUIRED, ((TlsErrorException) outcome.server()).code());
        }
    }

    /** g_tls_interaction_invoke_ask_password; g_tls_password_new/get_flags/get_description/set_value/get_value. */
    @Test
    @Covers({"g_tls_interaction_invoke_ask_password", "GTlsInteractionClass.ask_password", "g_tls_password_new", "g_tls_password_get_flags", "g_tls_password_get_description", "g_tls_password_set_value_full", "g_tls_password_get_value"})
    void askPasswordFillsThePassword() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        try (TlsInteraction pin = new TlsInteraction() {
                 @Override
                 protected TlsInteractionResult askPassword(TlsPassword password) {
                     asked.add(password.description() + " " + password.flags());
                     password.setValue("1234".toCharArray());
                     return TlsInteractionResult.HANDLED;
                 }
             };
             TlsPassword password = TlsPassword.create(EnumSet.of(TlsPasswordFlags.PKCS11_USER, TlsPasswordFlags.RETRY),
                     "Test Token")) {
            assertEquals(TlsInteractionResult.HANDLED, pin.invokeAskPassword(password, null));
            assertEquals(List.of("Test Token [RETRY, PKCS11_USER]"), asked);
            assertArrayEquals("1234".getBytes(StandardCharsets.UTF_8), password.value());
        }
    }

    /** A GioException thrown in Java crosses C as a GError and comes back with its domain and code. */
    @Test
    @Covers({"GTlsInteractionClass.ask_password"})
    void askPasswordFailureKeepsItsError() throws Exception {
        try (TlsInteraction refusing = new TlsInteraction() {
                 @Override
                 protected TlsInteractionResult askPassword(TlsPassword password) throws GioException {
                     throw new TlsErrorException(TlsError.BAD_CERTIFICATE_PASSWORD.code(), "no PIN for you");
                 }
             };
             TlsPassword password = TlsPassword.create(EnumSet.noneOf(TlsPasswordFlags.class), "token")) {
            TlsErrorException e = assertThrows(TlsErrorException.class, () -> refusing.invokeAskPassword(password, null));
            assertEquals(TlsError.BAD_CERTIFICATE_PASSWORD, e.code());
            assertEquals("no PIN for you", e.getMessage());
        }
    }

    @Test
    void askPasswordBugIsReportedAndUnhandled() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Gdtls.setCallbackExceptionHandler((where, t) -> reported.add(t));
        try (TlsInteraction buggy = new TlsInteraction() {
                 @Override
                 protected TlsInteractionResult askPassword(TlsPassword password) {
                     throw new IllegalStateException("bug");
                 }
             };
             TlsPassword password = TlsPassword.create(EnumSet.noneOf(TlsPasswordFlags.class), "token")) {
            assertEquals(TlsInteractionResult.UNHANDLED, buggy.invokeAskPassword(password, null));
            assertEquals(1, reported.size());
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    /** g_tls_password_set_flags / set_description / set_warning / set_value_full round-trip through GIO's getters. */
    @Test
    @Covers({"g_tls_password_set_flags", "g_tls_password_set_description", "g_tls_password_set_warning",
            "g_tls_password_set_value_full", "g_tls_password_get_flags", "g_tls_password_get_description",
            "g_tls_password_get_warning", "g_tls_password_get_value"})
    void passwordSettersRoundTrip() {
        try (TlsPassword password = TlsPassword.create(EnumSet.noneOf(TlsPasswordFlags.class), null)) {
            assertNull(password.description());
            assertNull(password.warning());
            password.setFlags(EnumSet.of(TlsPasswordFlags.RETRY, TlsPasswordFlags.FINAL_TRY));
            assertEquals(Set.of(TlsPasswordFlags.RETRY, TlsPasswordFlags.FINAL_TRY), password.flags());
            password.setDescription("Token «gdtls»");
            assertEquals("Token «gdtls»", password.description());
            password.setWarning("Last try");
            assertEquals("Last try", password.warning());
            password.setWarning(null); // back to GIO's default warning, which follows the flags
            assertTrue(password.warning().startsWith("This is the last chance"), password.warning());
            password.setFlags(EnumSet.noneOf(TlsPasswordFlags.class));
            assertNull(password.warning());
            password.setValue(new byte[] {1, 0, 2});
            assertArrayEquals(new byte[] {1, 0, 2}, password.value()); // a length, not a C string: 0 is kept
            password.setValue(new byte[0]);
            assertArrayEquals(new byte[0], password.value());
            password.setValue("pässword".toCharArray());
            assertArrayEquals("pässword".getBytes(StandardCharsets.UTF_8), password.value());
            password.close();
            assertThrows(IllegalStateException.class, () -> password.setWarning("closed"));
        }
    }
}
