package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asynchronous GTlsInteraction (the glue's GdtlsAsyncInteraction, whose sync vfuncs are NULL): answers given
 * later from other threads, failures, cancellation, and GIO's g_tls_interaction_* entry points on both flavours;
 * GTlsPassword's setters.
 */
@Timeout(60)
class AsyncTlsInteractionTest {
    private static MainContextPump pump;

    @BeforeAll
    static void startPump() {
        pump = MainContextPump.start("interaction-test");
    }

    @AfterAll
    static void stopPump() {
        pump.close();
    }

    /** An interaction whose password answer is {@code answer} applied to the password, on the pump's thread. */
    private static AsyncTlsInteraction answering(java.util.function.Function<TlsPassword,
            CompletableFuture<TlsInteractionResult>> answer) {
        return new AsyncTlsInteraction(pump) {
            @Override
            protected CompletableFuture<TlsInteractionResult> askPasswordAsync(TlsPassword password) {
                return answer.apply(password);
            }
        };
    }

    /** An answer that sets {@code value} and answers HANDLED, from another thread, 200 ms later. */
    private static java.util.function.Function<TlsPassword, CompletableFuture<TlsInteractionResult>> setsLater(
            String value) {
        return p -> CompletableFuture.supplyAsync(() -> {
            p.setValue(value.toCharArray());
            return TlsInteractionResult.HANDLED;
        }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS, TestThreads.BLOCKING));
    }

    private static TlsPassword password() {
        return TlsPassword.create(EnumSet.of(TlsPasswordFlags.PKCS11_USER), "token");
    }

    /**
     * A client certificate request answered from another thread seconds later while the handshake waits:
     * the handshake succeeds and the server sees the client's certificate.
     */
    @Test
    @Covers({"GTlsInteractionClass.request_certificate_async", "GTlsInteractionClass.request_certificate_finish"})
    void certificateRequestAnsweredLaterFromAnotherThread() throws Exception {
        AtomicReference<Thread> askedOn = new AtomicReference<>();
        AtomicReference<Thread> answeredOn = new AtomicReference<>();
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate clientCert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"));
             AsyncTlsInteraction later = new AsyncTlsInteraction(pump) {
                 @Override
                 protected CompletableFuture<TlsCertificate> requestCertificateAsync(DtlsConnection connection) {
                     askedOn.set(Thread.currentThread());
                     assertSame(pair.client, connection);
                     return CompletableFuture.supplyAsync(() -> {
                         answeredOn.set(Thread.currentThread());
                         return clientCert;
                     }, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS, TestThreads.BLOCKING));
                 }
             }) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.server.onAcceptCertificate((c, cert, errors) -> cert.isSame(clientCert));
            pair.client.setInteraction(later);
            long start = System.nanoTime();
            pair.handshake();
            assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(2));
            try (TlsCertificate atServer = pair.server.peerCertificate()) {
                assertTrue(atServer.isSame(clientCert));
            }
            // GIO dispatched the request to the interaction's context: its pump's thread
            assertTrue(askedOn.get().getName().startsWith("interaction-test"), askedOn.get().getName());
            assertNotSame(askedOn.get(), answeredOn.get());
            assertEquals(0, later.pendingRequests());
        }
    }

    /**
     * An interaction that never answers: the handshake, bounded by handshake(Duration), is cancelled while GnuTLS
     * waits in the interaction; the future given out is cancelled, a late answer is ignored, nothing stays
     * referenced or registered, and GLib logs no warning. In a child JVM (the server's handshake still waits).
     */
    @Test
    void neverAnsweredRequestIsCancelledWithTheHandshake(@TempDir Path dir) throws Exception {
        ChildJvm.Result child = ChildJvm.run(dir, 60, NeverAnsweredProbe.class);
        assertTrue(child.survived(), child.describe());
        List<String> lines = child.stdout().lines().toList();
        assertTrue(lines.contains("HANDSHAKE TIMED_OUT after 3 s"), child.describe());
        assertTrue(lines.contains("GIVEN cancelled true"), child.describe());
        assertTrue(lines.contains("PENDING 0"), child.describe());
        assertTrue(lines.contains("CERTIFICATE none"), child.describe());
        assertTrue(lines.contains("CLIENT REFS 1"), child.describe());
        int registry = Integer.parseInt(lines.stream().filter(l -> l.startsWith("REGISTRY ")).findFirst()
                .orElseThrow().substring("REGISTRY ".length()));
        assertTrue(registry <= 0, child.describe());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("GLIB ")), child.describe());
        assertTrue(lines.contains("END"), child.describe());
    }

    /** g_tls_interaction_ask_password_async/_finish reach askPasswordAsync; the answer comes from another thread. */
    @Test
    @Covers({"g_tls_interaction_ask_password_async", "g_tls_interaction_ask_password_finish",
            "GTlsInteractionClass.ask_password_async", "GTlsInteractionClass.ask_password_finish"})
    void askPasswordAsyncAnsweredFromAnotherThread() throws Exception {
        try (AsyncTlsInteraction later = answering(setsLater("1234"));
             TlsPassword password = password()) {
            assertEquals(TlsInteractionResult.HANDLED, later.askPasswordAsync(password, pump, null).get(10, TimeUnit.SECONDS));
            assertArrayEquals("1234".getBytes(StandardCharsets.UTF_8), password.value());
            assertEquals(0, later.pendingRequests());
        }
    }

    /** g_tls_interaction_invoke_ask_password takes the async path (no sync vfunc) and waits for the answer. */
    @Test
    @Covers({"g_tls_interaction_invoke_ask_password", "GTlsInteractionClass.ask_password_async"})
    void invokeAskPasswordWaitsForTheAsyncAnswer() throws Exception {
        try (AsyncTlsInteraction later = answering(setsLater("5678"));
             TlsPassword password = password()) {
            assertEquals(TlsInteractionResult.HANDLED, later.invokeAskPassword(password, null));
            assertArrayEquals("5678".getBytes(StandardCharsets.UTF_8), password.value());
        }
    }

    /** A future failing with a GioException: FAILED with that error, as a sync interaction's throw does. */
    @Test
    @Covers({"GTlsInteractionClass.ask_password_finish"})
    void failedFutureFailsWithItsError() throws Exception {
        try (AsyncTlsInteraction refusing = answering(p -> CompletableFuture.failedFuture(
                     new TlsErrorException(TlsError.BAD_CERTIFICATE_PASSWORD.code(), "no PIN for you")));
             TlsPassword password = password()) {
            TlsErrorException e = assertThrows(TlsErrorException.class, () -> refusing.invokeAskPassword(password, null));
            assertEquals(TlsError.BAD_CERTIFICATE_PASSWORD, e.code());
            assertEquals("no PIN for you", e.getMessage());
            ExecutionException async = assertThrows(ExecutionException.class,
                    () -> refusing.askPasswordAsync(password, pump, null).get(10, TimeUnit.SECONDS));
            assertInstanceOf(TlsErrorException.class, async.getCause());
        }
    }

    /** A future the user cancels: FAILED with G_IO_ERROR_CANCELLED (GIO's "cancelled by the user"). */
    @Test
    void cancelledFutureFailsCancelled() throws Exception {
        try (AsyncTlsInteraction cancelling = answering(p -> {
                 CompletableFuture<TlsInteractionResult> f = new CompletableFuture<>();
                 TestThreads.BLOCKING.execute(() -> f.cancel(false));
                 return f;
             });
             TlsPassword password = password()) {
            IOErrorException e = assertThrows(IOErrorException.class, () -> cancelling.invokeAskPassword(password, null));
            assertEquals(IOErrorEnum.CANCELLED, e.code());
        }
    }

    /** A bug (a throwing method, or a future failing with anything but a GioException): reported, UNHANDLED. */
    @Test
    void bugsAreReportedAndUnhandled() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Gdtls.setCallbackExceptionHandler((where, t) -> reported.add(t));
        try (AsyncTlsInteraction throwing = answering(p -> {
                 throw new IllegalStateException("bug");
             });
             AsyncTlsInteraction failing = answering(p -> CompletableFuture.supplyAsync(() -> {
                 throw new IllegalArgumentException("later bug");
             }, TestThreads.BLOCKING));
             TlsPassword password = password()) {
            assertEquals(TlsInteractionResult.UNHANDLED, throwing.invokeAskPassword(password, null));
            assertEquals(TlsInteractionResult.UNHANDLED, failing.invokeAskPassword(password, null));
            assertEquals(2, reported.size(), reported.toString());
            assertInstanceOf(IllegalStateException.class, reported.get(0));
            assertInstanceOf(IllegalArgumentException.class, reported.get(1));
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    /**
     * Cancelling the request's GCancellable answers GIO FAILED/CANCELLED at once and cancels the future given
     * out, exactly once: the late completion is ignored.
     */
    @Test
    void cancellingTheRequestCancelsTheGivenFuture() throws Exception {
        CompletableFuture<TlsInteractionResult> given = new CompletableFuture<>();
        try (AsyncTlsInteraction never = answering(p -> given);
             TlsPassword password = password();
             Cancellable cancellable = new Cancellable()) {
            CompletableFuture<TlsInteractionResult> asked = never.askPasswordAsync(password, pump, cancellable);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (never.pendingRequests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, never.pendingRequests());
            cancellable.cancel();
            // G_IO_ERROR_CANCELLED completes a future with a CancellationException (caused by the GError)
            CancellationException e = assertThrows(CancellationException.class, () -> asked.get(10, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.CANCELLED, ((IOErrorException) e.getCause()).code());
            assertTrue(given.isCancelled());
            assertEquals(0, never.pendingRequests());
            password.setValue("late".toCharArray());
            assertTrue(!given.complete(TlsInteractionResult.HANDLED)); // already cancelled: no second answer
        }
    }

    /** Closing the interaction answers its pending requests (FAILED/CANCELLED) and cancels their futures. */
    @Test
    void closeAnswersPendingRequests() throws Exception {
        CompletableFuture<TlsInteractionResult> given = new CompletableFuture<>();
        AsyncTlsInteraction never = answering(p -> given);
        try (TlsPassword password = password()) {
            CompletableFuture<TlsInteractionResult> asked = never.askPasswordAsync(password, pump, null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (never.pendingRequests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            never.close();
            CancellationException e = assertThrows(CancellationException.class, () -> asked.get(10, TimeUnit.SECONDS));
            assertEquals(IOErrorEnum.CANCELLED, ((IOErrorException) e.getCause()).code());
            assertTrue(given.isCancelled());
            assertEquals(0, never.pendingRequests());
        }
    }

    /**
     * GIO never crosses flavours: the sync entry points answer UNHANDLED on an async interaction, the async
     * ones UNHANDLED on a sync interaction; invoke_* works on both.
     */
    @Test
    @Covers({"g_tls_interaction_ask_password", "g_tls_interaction_ask_password_async",
            "g_tls_interaction_ask_password_finish"})
    void eachEntryPointReachesItsOwnFlavour() throws Exception {
        try (TlsInteraction sync = new TlsInteraction() {
                 @Override
                 protected TlsInteractionResult askPassword(TlsPassword password) {
                     password.setValue("sync".toCharArray());
                     return TlsInteractionResult.HANDLED;
                 }
             };
             AsyncTlsInteraction async = answering(p -> {
                 p.setValue("async".toCharArray());
                 return CompletableFuture.completedFuture(TlsInteractionResult.HANDLED);
             });
             TlsPassword password = password()) {
            assertEquals(TlsInteractionResult.HANDLED, sync.askPassword(password, null));
            assertArrayEquals("sync".getBytes(StandardCharsets.UTF_8), password.value());
            assertEquals(TlsInteractionResult.UNHANDLED, sync.askPasswordAsync(password, pump, null).get(10, TimeUnit.SECONDS));
            assertEquals(TlsInteractionResult.UNHANDLED, async.askPassword(password, null));
            assertEquals(TlsInteractionResult.HANDLED, async.askPasswordAsync(password, null).get(10, TimeUnit.SECONDS));
            assertArrayEquals("async".getBytes(StandardCharsets.UTF_8), password.value());
        }
    }

    /** The certificate entry points on a connection, without a handshake: HANDLED sets the certificate. */
    @Test
    @Covers({"g_tls_interaction_invoke_request_certificate", "g_tls_interaction_request_certificate",
            "g_tls_interaction_request_certificate_async", "g_tls_interaction_request_certificate_finish"})
    void certificateEntryPoints() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate clientCert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"));
             TlsInteraction sync = new TlsInteraction() {
                 @Override
                 protected TlsCertificate requestCertificate(DtlsConnection connection) {
                     return clientCert;
                 }
             };
             AsyncTlsInteraction async = new AsyncTlsInteraction(pump) {
                 @Override
                 protected CompletableFuture<TlsCertificate> requestCertificateAsync(DtlsConnection connection) {
                     return CompletableFuture.supplyAsync(() -> clientCert, TestThreads.BLOCKING);
                 }
             }) {
            assertNull(pair.client.certificate());
            assertEquals(TlsInteractionResult.UNHANDLED, async.requestCertificate(pair.client, null));
            assertEquals(TlsInteractionResult.UNHANDLED,
                    sync.requestCertificateAsync(pair.client, pump, null).get(10, TimeUnit.SECONDS));
            assertNull(pair.client.certificate());
            assertEquals(TlsInteractionResult.HANDLED, async.requestCertificateAsync(pair.client, pump, null)
                    .get(10, TimeUnit.SECONDS));
            assertCertificateIs(pair.client, clientCert);
            assertEquals(TlsInteractionResult.HANDLED, async.invokeRequestCertificate(pair.server, null));
            assertCertificateIs(pair.server, clientCert);
            assertEquals(TlsInteractionResult.HANDLED, sync.requestCertificate(pair.server, null));
            assertEquals(TlsInteractionResult.HANDLED, sync.invokeRequestCertificate(pair.server, null));
            assertCertificateIs(pair.server, clientCert);
        }
    }

    private static void assertCertificateIs(DtlsConnection connection, TlsCertificate expected) {
        try (TlsCertificate actual = connection.certificate()) {
            assertTrue(actual.isSame(expected));
        }
    }
}
