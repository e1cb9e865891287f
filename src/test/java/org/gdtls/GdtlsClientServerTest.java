package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gdtls client} against {@code gdtls server}, each in a child JVM started outside the source tree, on
 * 127.0.0.1 with the test PKI: stdin lines become datagrams, the server echoes them, and both report JSON events.
 */
@Timeout(60)
class GdtlsClientServerTest {
    private static Predicate<Map<String, Object>> is(String event, String key, Object value) {
        return e -> event.equals(e.get("event")) && (key == null || value.equals(e.get(key)));
    }

    private static String pki(String file) {
        return LoopbackPair.pki(file).toString();
    }

    private static LineProcess server(Path dir, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("server", "--bind", "127.0.0.1", "--port", "0",
                "--cert", pki("server.pem"), "--key", pki("server-key.pem"), "--json"));
        args.addAll(List.of(extra));
        return LineProcess.gdtls(dir, args.toArray(String[]::new));
    }

    /** The server's "listening" address, 127.0.0.1:PORT. */
    private static String listening(LineProcess server) throws InterruptedException {
        return (String) server.event(is("listening", null, null)).get("address");
    }

    /**
     * Three clients through one server port: a (JSON, client certificate, ALPN) ends at the end of its stdin, b
     * (text) by SIGTERM, and c stays open until the server's SIGTERM closes its session. Each close is a
     * close_notify the other side reports.
     */
    @Test
    void clientsEchoThroughOneServerPortAndCloseWithCloseNotify(@TempDir Path dir) throws Exception {
        try (LineProcess server = server(dir, "--ca", pki("ca.pem"), "--auth", "request", "--echo", "--alpn", "gdtls/1,other/2")) {
            String address = listening(server);
            try (LineProcess a = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--server-name", "server.example.com",
                         "--cert", pki("client.pem"), "--key", pki("client-key.pem"), "--alpn", "gdtls/1", "--json");
                 LineProcess b = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"));
                 LineProcess c = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                Map<String, Object> handshake = a.event(is("handshake", null, null));
                assertEquals("DTLS_1_2", handshake.get("protocol"), a.describe());
                assertEquals("gdtls/1", handshake.get("alpn"));
                assertEquals("CN=server.example.com", handshake.get("peer_subject"));
                assertEquals("CN=gdtls Test Root CA", handshake.get("peer_issuer"));
                assertEquals(List.of(), handshake.get("peer_errors"));
                assertEquals(false, handshake.get("insecure"));
                assertTrue(((String) handshake.get("tls_unique")).matches("[0-9a-f]{24}"), handshake.toString());

                a.send("hello\nwörld\n");
                assertEquals(5, a.event(is("datagram", "text", "hello")).get("length"));
                assertEquals(6, a.event(is("datagram", "text", "wörld")).get("length"));
                a.closeInput(); // end of input: close_notify, exit 0
                assertEquals(0, a.jvmExit(dir), a.describe());
                a.event(is("close", "reason", "eof"));

                // b, in text mode: the summary on stderr, the echo on stdout as it came
                b.send("from b\n");
                b.await("from b"::equals);
                b.terminate(); // SIGTERM: the shutdown hook sends close_notify
                assertEquals(143, b.jvmExit(dir), b.describe());
                assertTrue(b.describe().contains("closed: interrupted (Ctrl-C or SIGTERM), close_notify sent"), b.describe());

                c.event(is("handshake", null, null));
                String peerB = (String) server.event(is("datagram", "text", "from b")).get("peer");
                server.event(e -> is("close", "reason", "close_notify").test(e) && peerB.equals(e.get("peer")));
                server.terminate(); // its shutdown hook closes c's session: close_notify, and c ends with 0
                assertEquals(143, server.jvmExit(dir), server.describe());
                server.event(is("close", "reason", "interrupted"));
                c.event(is("close", "reason", "peer"));
                assertEquals(0, c.jvmExit(dir), c.describe());
            }
            Map<String, Object> clientA = server.event(e -> "handshake".equals(e.get("event"))
                    && "CN=gdtls test client".equals(e.get("peer_subject")));
            String peerA = (String) clientA.get("peer");
            assertEquals("gdtls/1", clientA.get("alpn"));
            assertEquals("CN=gdtls Test Root CA", clientA.get("peer_issuer"));
            server.event(e -> is("datagram", "text", "hello").test(e) && peerA.equals(e.get("peer")));
            server.event(e -> is("datagram", "text", "wörld").test(e) && peerA.equals(e.get("peer")));
            server.event(e -> is("close", "reason", "close_notify").test(e) && peerA.equals(e.get("peer")));
            assertTrue(server.describe().lines().noneMatch(l -> l.contains("\"event\":\"error\"")), server.describe());
        }
    }

    @Test
    void aSilentPeerIsDroppedAfterTheIdleTimeout(@TempDir Path dir) throws Exception {
        try (LineProcess server = server(dir, "--idle-timeout", "2.5")) {
            String address = listening(server);
            try (LineProcess client = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                client.event(is("handshake", null, null));
                // the server closes the silent session (close_notify), which ends the client with 0
                client.event(is("close", "reason", "peer"));
                assertEquals(0, client.jvmExit(dir), client.describe());
            }
            server.event(is("close", "reason", "idle"));
            server.terminate();
            assertEquals(143, server.jvmExit(dir), server.describe());
        }
    }

    /**
     * --max-peers 1: a second client's ClientHellos are refused, each with a refused event; the server's SIGTERM
     * closes the first session and --stats reports the counters.
     */
    @Test
    void maxPeersRefusesAFurtherClientAndStatsCountIt(@TempDir Path dir) throws Exception {
        try (LineProcess server = server(dir, "--max-peers", "1", "--stats")) {
            String address = listening(server);
            try (LineProcess a = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                a.event(is("handshake", null, null));
                String peerA = (String) server.event(is("handshake", null, null)).get("peer");
                try (LineProcess b = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                    Map<String, Object> refused = server.event(is("refused", "reason", "max-peers"));
                    assertNotEquals(peerA, refused.get("peer"), server.describe());
                } // b is killed: its handshake never ends (cancelling it at its --timeout is GLib #3448's race)
                server.terminate();
                assertEquals(143, server.jvmExit(dir), server.describe());
                server.event(e -> is("close", "reason", "interrupted").test(e) && peerA.equals(e.get("peer")));
                a.event(is("close", "reason", "peer"));
            }
            Map<String, Object> stats = server.event(is("stats", null, null));
            assertEquals(1, stats.get("handshakes_succeeded"), stats.toString());
            assertTrue((Integer) stats.get("refused_max_peers") >= 1, stats.toString());
            assertEquals(0, stats.get("peers"), stats.toString());
        }
    }

    /**
     * --handshake-rate with a burst of 1: a source address may start one handshake, and a second client from it
     * (127.0.0.1, another port) is refused for the rate.
     */
    @Test
    void theHandshakeRateRefusesASecondHandshakeFromOneAddress(@TempDir Path dir) throws Exception {
        try (LineProcess server = server(dir, "--handshake-rate", "0.001", "--handshake-burst", "1")) {
            String address = listening(server);
            try (LineProcess a = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                a.event(is("handshake", null, null));
                try (LineProcess b = LineProcess.gdtls(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                    server.event(is("refused", "reason", "handshake-rate"));
                }
                a.closeInput();
                assertEquals(0, a.jvmExit(dir), a.describe());
            }
            server.event(is("close", "reason", "close_notify"));
            assertEquals(1, server.describe().lines().filter(l -> l.contains("\"event\":\"handshake\"")).count(),
                    server.describe());
            server.terminate();
            assertEquals(143, server.jvmExit(dir), server.describe());
        }
    }
}
