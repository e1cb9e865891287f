package org.gdtls;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.gdtls.internal.glue.CallbackDispatcher;

/**
 * Run in a child JVM by {@link AsyncTlsInteractionTest}: a client whose {@link AsyncTlsInteraction} never answers
 * the server's certificate request. The client's handshake is bounded by {@code handshake(Duration)}: its
 * cancellable is cancelled while GnuTLS waits in the interaction (not in I/O, so GLib #3448's window is closed).
 * The server's handshake still waits when the probe ends: the process halts instead of waiting 60 s for it.
 * Prints what the test checks.
 */
public final class NeverAnsweredProbe {
    // Held strongly: java.util.logging keeps loggers only weakly.
    private static final Logger GLIB = Logger.getLogger("org.gdtls.glib");

    public static void main(String[] args) throws Exception {
        List<String> glib = new CopyOnWriteArrayList<>();
        GLIB.setLevel(Level.ALL);
        GLIB.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    glib.add(r.getLevel() + " " + r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        Gdtls.load();
        CompletableFuture<TlsCertificate> given = new CompletableFuture<>();
        MainContextPump pump = MainContextPump.start("interaction");
        AsyncTlsInteraction never = new AsyncTlsInteraction(pump) {
            @Override
            protected CompletableFuture<TlsCertificate> requestCertificateAsync(DtlsConnection connection) {
                return given;
            }
        };
        LoopbackPair pair = LoopbackPair.create();
        // glib-networking 2.80+ logs a CRITICAL for every DTLS client connection it constructs, in C too
        // (native/parity/parity_criticals.h): only what the interaction's path logs counts here.
        glib.clear();
        TlsCertificate late = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"), LoopbackPair.pki("client-key.pem"));
        int registered = CallbackDispatcher.registeredCount();
        pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
        pair.client.setInteraction(never);
        TestThreads.BLOCKING.execute(() -> {
            try {
                pair.server.handshake();
            } catch (GioException e) {
                System.out.println("SERVER " + e);
            }
        });
        long start = System.nanoTime();
        try {
            pair.client.handshake(Duration.ofSeconds(3));
            System.out.println("HANDSHAKE succeeded");
        } catch (IOErrorException e) {
            System.out.println("HANDSHAKE " + e.code() + " after " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        }
        System.out.println("GIVEN cancelled " + given.isCancelled());
        System.out.println("PENDING " + never.pendingRequests());
        given.complete(late); // too late: ignored
        System.out.println("CERTIFICATE " + (pair.client.certificate() == null ? "none" : "set"));
        long client = pair.client.handle.address();
        GObjectOracle.ref(client);
        pair.client.close();
        // The GTask held the connection until the pump ran its callback; nothing else may keep it.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (GObjectOracle.refCount(client) > 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("CLIENT REFS " + GObjectOracle.refCount(client));
        never.close();
        System.out.println("REGISTRY " + (CallbackDispatcher.registeredCount() - registered));
        glib.forEach(g -> System.out.println("GLIB " + g));
        System.out.println("END");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
