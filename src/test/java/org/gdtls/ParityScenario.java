package org.gdtls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One parity scenario run through the Java binding, recording the same observations, under the same keys, as
 * the C reference runner (native/parity/parity_runner.c). Keep the two in step: same setup, same order.
 */
final class ParityScenario {
    static final List<String> SCENARIOS = List.of("basic", "alpn/agree", "alpn/disagree",
            "validation/unknown-ca/accept", "validation/unknown-ca/reject", "validation/expired/accept",
            "validation/expired/reject", "validation/not-yet-valid/accept", "validation/not-yet-valid/reject",
            "validation/wrong-host/accept", "validation/wrong-host/reject", "auth/requested-nocert",
            "auth/required-nocert", "auth/required-cert", "read/timeout", "oversize", "close/notify",
            "close/notify/not-required", "close/unclean", "close/unclean/not-required", "shutdown/write",
            "shutdown/read", "cancel/before", "cancel/handshake", "cancel/receive", "handshake/again",
            "handshake/again-after-cancel", "transport/unconnected", "sni/dns-identity", "sni/ip-identity",
            "java-database/basic", "java-database/validation/unknown-ca/reject", "java-database/validation/expired/reject",
            "java-database/validation/not-yet-valid/reject", "java-database/validation/wrong-host/reject",
            "java-database/auth/required-cert");

    /**
     * java-database/X: scenario X with both sides validating through {@link TlsDatabase#fromKeyStore} (a KeyStore of
     * ca.pem); the C runner runs X with GIO's file database of ca.pem on both sides. Equal records: the JDK's trust
     * machinery inside GIO gives a handshake the flags GIO's own database gives.
     */
    private static final String JAVA_DATABASE = "java-database/";

    /** As the C runner's CANCEL_AFTER_MS and PEER_SILENCE_US. */
    private static final long CANCEL_AFTER_MS = 300;
    private static final Duration PEER_SILENCE = Duration.ofMillis(500);

    private static final byte[] MESSAGE = "0123456789abcdefghijklmn".getBytes(StandardCharsets.US_ASCII);

    /** The parent of the binding's GLib loggers (org.gdtls.glib.DOMAIN), held so its handlers stay attached. */
    private static final Logger GLIB_LOGGERS = Logger.getLogger("org.gdtls.glib");

    private ParityScenario() {}

    static Map<String, Object> run(String scenario) throws Exception {
        return run(scenario, null, null);
    }

    /**
     * Runs {@code scenario}; if {@code created} is given, the oracle takes a reference on every GObject the
     * binding created (so their addresses stay valid) and lists them, for the caller to check they are
     * finalized once the binding has let go; if {@code propertyMismatches} is given, the oracle reads the
     * connections' properties after a successful handshake and adds every disagreement with the Java API.
     */
    static Map<String, Object> run(String name, List<Long> created, List<String> propertyMismatches)
            throws Exception {
        boolean javaDatabase = name.startsWith(JAVA_DATABASE);
        String scenario = javaDatabase ? name.substring(JAVA_DATABASE.length()) : name;
        String serverCert = "server";
        if (scenario.startsWith("validation/")) {
            String what = scenario.split("/")[1];
            serverCert = what.equals("unknown-ca") ? "untrusted-server" : what;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", name);
        CriticalCounter criticals = CriticalCounter.attach();
        try {
            runCounted(scenario, javaDatabase, created, propertyMismatches, serverCert, out, criticals);
        } finally {
            criticals.detach();
        }
        return out;
    }

    private static void runCounted(String scenario, boolean javaDatabase, List<Long> created,
                                   List<String> propertyMismatches, String serverCert, Map<String, Object> out,
                                   CriticalCounter criticals) throws Exception {
        List<Integer> emissions = new CopyOnWriteArrayList<>();
        try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki(serverCert + ".pem"),
                LoopbackPair.pki(serverCert + "-key.pem"));
             LoopbackPair pair = LoopbackPair.createWith(cert, !scenario.equals("transport/unconnected"),
                     scenario.equals("sni/ip-identity") ? "127.0.0.1" : "server.example.com")) {
            if (created != null) {
                for (long address : List.of(pair.client.handle.address(), pair.server.handle.address(),
                        pair.clientSocket.handle.address(), pair.serverSocket.handle.address())) {
                    GObjectOracle.ref(address);
                    created.add(address);
                }
            }
            if (javaDatabase) {
                try (TlsDatabase db = TlsDatabase.fromKeyStore(JavaTlsDatabaseTest.trustStore("ca.pem"))) {
                    pair.client.setDatabase(db);
                    pair.server.setDatabase(db);
                }
            }
            configure(scenario, pair, emissions);
            boolean serverSilent = scenario.equals("cancel/before") || scenario.equals("cancel/handshake")
                    || scenario.equals("handshake/again-after-cancel") || scenario.equals("transport/unconnected")
                    || scenario.startsWith("sni/");
            Object[] sni = {null};
            LoopbackPair.Outcome outcome = scenario.startsWith("sni/") ? sniHandshake(pair, sni)
                    : serverSilent ? cancelledHandshake(scenario, pair) : pair.handshakeBoth();
            out.put("client_handshake", result(outcome.client()));
            out.put("server_handshake", serverSilent ? null : result(outcome.server()));
            out.put("accept_certificate", emissions.toString().replace(" ", ""));
            boolean ok = !serverSilent && outcome.client() == null && outcome.server() == null;
            out.put("protocol_version", ok ? pair.client.protocolVersion().code() : null);
            out.put("ciphersuite_name", ok ? pair.client.ciphersuiteName() : null);
            out.put("negotiated_protocol", ok ? pair.client.negotiatedProtocol() : null);
            out.put("peer_certificate_errors", ok ? TlsCertificateFlags.toBits(pair.client.peerCertificateErrors()) : null);
            for (TlsChannelBindingType type : TlsChannelBindingType.values()) {
                out.put("binding_" + type.name().toLowerCase(), ok ? binding(pair.client, type) : null);
            }
            out.put("send_result", null);
            out.put("bytes_received", null);
            out.put("peer_close_receive", null);
            out.put("send_after_close", null);
            out.put("own_receive_after", null);
            if (ok && propertyMismatches != null) {
                propertyMismatches.addAll(OracleProperties.mismatches(pair.client, pair.server));
            }
            if (ok && !scenario.startsWith("handshake/")) {
                exchange(scenario, pair, out);
            }
            // As in C: after the first handshake's properties were read.
            boolean again = scenario.equals("handshake/again-after-cancel") || (scenario.equals("handshake/again") && ok);
            out.put("handshake_again", again ? handshakeAgain(pair.client) : null);
            out.put("client_hello_sni", sni[0]);
            out.put("glib_criticals", criticals.count.get()); // as C: before the connections are closed
            // As in C, errors of the final close are not observed (e.g. close_notify on a closed socket).
            closeQuietly(pair.client);
            closeQuietly(pair.server);
        }
    }

    /** Counts GLib CRITICAL messages, which the binding's log writer passes to java.util.logging as SEVERE. */
    static final class CriticalCounter extends Handler {
        final AtomicInteger count = new AtomicInteger();

        /** A counter listening from now until {@link #detach()}. */
        static CriticalCounter attach() {
            CriticalCounter counter = new CriticalCounter();
            GLIB_LOGGERS.addHandler(counter);
            return counter;
        }

        void detach() {
            GLIB_LOGGERS.removeHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel() == Level.SEVERE && record.getMessage().contains(", CRITICAL:")) {
                count.incrementAndGet();
            }
        }

        @Override
        public void flush() { }

        @Override
        public void close() { }
    }

    private static void configure(String scenario, LoopbackPair pair, List<Integer> emissions) throws Exception {
        if (scenario.startsWith("validation/")) {
            boolean accept = scenario.endsWith("/accept");
            pair.client.onAcceptCertificate((c, cert, errors) -> emissions.add(TlsCertificateFlags.toBits(errors)) && accept);
        } else {
            pair.client.onAcceptCertificate((c, cert, errors) -> emissions.add(TlsCertificateFlags.toBits(errors)) && false);
        }
        switch (scenario) {
            case "alpn/agree" -> {
                pair.client.setAdvertisedProtocols(List.of("coap", "h3"));
                pair.server.setAdvertisedProtocols(List.of("h3"));
            }
            case "alpn/disagree" -> {
                pair.client.setAdvertisedProtocols(List.of("coap"));
                pair.server.setAdvertisedProtocols(List.of("h3"));
            }
            case "close/notify/not-required", "close/unclean/not-required" -> pair.server.setRequireCloseNotify(false);
            case "auth/requested-nocert" -> pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUESTED);
            case "auth/required-nocert" -> pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            case "auth/required-cert" -> {
                pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
                try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                        LoopbackPair.pki("client-key.pem"))) {
                    pair.client.setCertificate(cert);
                }
                pair.server.onAcceptCertificate((c, cert, errors) -> true);
            }
            default -> { }
        }
    }

    private static void exchange(String scenario, LoopbackPair pair, Map<String, Object> out) {
        if (scenario.equals("read/timeout")) {
            out.put("bytes_received", receive(pair.client, Duration.ofMillis(500)));
            return;
        }
        if (scenario.equals("cancel/receive")) {
            try (Cancellable cancel = new Cancellable()) {
                CompletableFuture<Void> canceller = cancelLater(cancel);
                out.put("bytes_received", receive(pair.client, null, cancel));
                canceller.join();
            }
            return;
        }
        byte[] payload = scenario.equals("oversize") ? new byte[2000] : MESSAGE;
        try {
            pair.client.send(ByteBuffer.allocateDirect(payload.length).put(payload).flip());
            out.put("send_result", "ok");
        } catch (GioException e) {
            out.put("send_result", error(e));
            return;
        }
        out.put("bytes_received", receive(pair.server, Duration.ofSeconds(5)));
        endClient(scenario, pair, out);
    }

    /**
     * As the C runner's end_client: the client ends its side, then the server's next receive, the client's own
     * receive (shutdown/read) and the client's next send are observed.
     */
    private static void endClient(String scenario, LoopbackPair pair, Map<String, Object> out) {
        try {
            if (scenario.startsWith("close/notify")) {
                pair.client.close();
            } else if (scenario.equals("shutdown/write")) {
                pair.client.shutdown(false, true);
            } else if (scenario.equals("shutdown/read")) {
                pair.client.shutdown(true, false);
                out.put("own_receive_after", receive(pair.client, Duration.ZERO));
                out.put("send_after_close", send(pair.client));
                out.put("peer_close_receive", receive(pair.server, Duration.ofSeconds(5)));
                return;
            } else if (scenario.startsWith("close/unclean")) {
                pair.clientSocket.close(); // no DTLS close: the peer hears nothing more
                out.put("peer_close_receive", receive(pair.server, PEER_SILENCE));
                out.put("send_after_close", send(pair.client));
                return;
            } else {
                return;
            }
        } catch (GioException ignored) {
            // as in C: errors on close/shutdown are not part of the observation
        }
        out.put("peer_close_receive", receive(pair.server, Duration.ofSeconds(5)));
        out.put("send_after_close", send(pair.client));
    }

    private static void closeQuietly(DtlsConnection conn) {
        try {
            conn.close();
        } catch (GioException ignored) {
            // the wrapper is closed and its reference dropped all the same
        }
    }

    private static Object send(DtlsConnection conn) {
        try {
            conn.send(ByteBuffer.wrap(MESSAGE));
            return "ok";
        } catch (GioException e) {
            return error(e);
        }
    }

    /**
     * As the C runner's run_sni_handshake: the client handshakes (cancelled CANCEL_AFTER_MS later) while the
     * server side reads its first datagram straight from the socket; {@code sni[0]} gets its server_name.
     */
    private static LoopbackPair.Outcome sniHandshake(LoopbackPair pair, Object[] sni) {
        try (Cancellable cancel = new Cancellable()) {
            CompletableFuture<Void> canceller = cancelLater(cancel);
            CompletableFuture<Exception> client = CompletableFuture.supplyAsync(() -> {
                try {
                    pair.client.handshake(cancel);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            }, TestThreads.BLOCKING);
            ByteBuffer hello = ByteBuffer.allocateDirect(2048);
            try {
                pair.serverSocket.receiveFrom(hello, Duration.ofSeconds(5), null);
                sni[0] = ClientHello.serverName(hello.flip());
            } catch (GioException e) {
                sni[0] = "no datagram";
            }
            Exception failure = client.join();
            canceller.join();
            return new LoopbackPair.Outcome(failure, null);
        }
    }

    /**
     * As the C runner's handshake_again: a second client handshake, cancelled CANCEL_AFTER_MS later if still
     * running (the server is not reading).
     */
    private static Object handshakeAgain(DtlsConnection client) {
        try (Cancellable cancel = new Cancellable()) {
            CompletableFuture<Void> canceller = cancelLater(cancel);
            Exception failure = null;
            try {
                client.handshake(cancel);
            } catch (Exception e) {
                failure = e;
            }
            canceller.join();
            return result(failure);
        }
    }

    /**
     * cancel/before, cancel/handshake and handshake/again-after-cancel: only the client handshakes (the server
     * stays silent), then is cancelled. transport/unconnected: only the client handshakes, and its first send
     * fails (the cancel bounds it, as in C).
     */
    private static LoopbackPair.Outcome cancelledHandshake(String scenario, LoopbackPair pair) {
        try (Cancellable cancel = new Cancellable()) {
            CompletableFuture<Void> canceller = null;
            if (scenario.equals("cancel/before")) {
                cancel.cancel();
            } else {
                canceller = cancelLater(cancel);
            }
            Exception failure = null;
            try {
                pair.client.handshake(cancel);
            } catch (Exception e) {
                failure = e;
            }
            if (canceller != null) {
                canceller.join();
            }
            return new LoopbackPair.Outcome(failure, null);
        }
    }

    private static CompletableFuture<Void> cancelLater(Cancellable cancel) {
        return CompletableFuture.runAsync(cancel::cancel,
                CompletableFuture.delayedExecutor(CANCEL_AFTER_MS, TimeUnit.MILLISECONDS, TestThreads.BLOCKING));
    }

    /** Like the C runner: the first message's length, 0 when none came (the peer closed). */
    private static Object receive(DtlsConnection conn, Duration timeout) {
        return receive(conn, timeout, null);
    }

    private static Object receive(DtlsConnection conn, Duration timeout, Cancellable cancel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        try {
            int messages = conn.receive(new ByteBuffer[] {buffer}, 0, 1, timeout, cancel);
            return messages == 0 ? 0 : buffer.position();
        } catch (GioException e) {
            return error(e);
        }
    }

    private static Object binding(DtlsConnection conn, TlsChannelBindingType type) {
        try {
            return conn.channelBindingData(type).length;
        } catch (GioException e) {
            return error(e);
        }
    }

    /** A call's outcome as parity records write it: {@code ok}, or the GError's {@code domain:code}. */
    static String result(Exception failure) {
        if (failure == null) {
            return "ok";
        }
        return failure instanceof GioException g ? error(g) : failure.toString();
    }

    static String error(GioException e) {
        return e.domain() + ":" + e.rawCode();
    }
}
