package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A command in a child JVM whose stdout is read line by line as it comes. */
    private static final class Cli implements AutoCloseable {
        final Process process;
        private final Path dir;
        private final List<String> lines = new ArrayList<>();
        private final StringBuilder stderr = new StringBuilder();
        private final List<Thread> readers = new ArrayList<>();

        Cli(Path dir, String... args) throws IOException {
            this.dir = dir;
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            process = new ProcessBuilder(ChildJvm.command(dir, GdtlsCommandTest.jvmArgs(tmp), GdtlsCommandTest.COMMAND,
                    args)).directory(dir.toFile()).start();
            reader(process.getInputStream(), line -> {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            });
            reader(process.getErrorStream(), line -> {
                synchronized (stderr) {
                    stderr.append(line).append('\n');
                }
            });
        }

        private void reader(InputStream in, Consumer<String> sink) {
            Thread thread = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        sink.accept(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "cli-output");
            thread.setDaemon(true);
            thread.start();
            readers.add(thread);
        }

        /** The first stdout line (from the start) that matches, waiting for it. */
        String await(Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (lines) {
                while (true) {
                    for (String line : lines) {
                        if (wanted.test(line)) {
                            return line;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no such line within " + WAIT + "\n" + describe());
                    }
                    lines.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        /** The JSON event of stdout that {@code wanted} accepts. */
        Map<String, Object> event(Predicate<Map<String, Object>> wanted) throws InterruptedException {
            return FlatJson.parse(await(line -> line.startsWith("{") && wanted.test(FlatJson.parse(line))));
        }

        void send(String text) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** SIGTERM, as Ctrl-C would do (SIGINT may be ignored by a child of a background job); keeps the pipes open. */
        void terminate() {
            process.toHandle().destroy(); // Process.destroy() would close our end of its output first
        }

        /** Waits for the process to end and for its output to be read; checks it left no JVM trouble. */
        int exit() throws InterruptedException, IOException {
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "still running\n" + describe());
            for (Thread reader : readers) {
                reader.join(WAIT.toMillis());
            }
            synchronized (stderr) {
                GdtlsCommandTest.assertNoJvmTrouble(dir, stderr.toString());
            }
            return process.exitValue();
        }

        String describe() {
            synchronized (lines) {
                synchronized (stderr) {
                    return "--- stdout\n" + String.join("\n", lines) + "\n--- stderr\n" + stderr;
                }
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Predicate<Map<String, Object>> is(String event, String key, Object value) {
        return e -> event.equals(e.get("event")) && (key == null || value.equals(e.get(key)));
    }

    private static String pki(String file) {
        return LoopbackPair.pki(file).toString();
    }

    private static Cli server(Path dir, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("server", "--bind", "127.0.0.1", "--port", "0",
                "--cert", pki("server.pem"), "--key", pki("server-key.pem"), "--json"));
        args.addAll(List.of(extra));
        return new Cli(dir, args.toArray(String[]::new));
    }

    /** The server's "listening" address, 127.0.0.1:PORT. */
    private static String listening(Cli server) throws InterruptedException {
        return (String) server.event(is("listening", null, null)).get("address");
    }

    /**
     * Three clients through one server port: a (JSON, client certificate, ALPN) ends at the end of its stdin, b
     * (text) by SIGTERM, and c stays open until the server's SIGTERM closes its session. Each close is a
     * close_notify the other side reports.
     */
    @Test
    void clientsEchoThroughOneServerPortAndCloseWithCloseNotify(@TempDir Path dir) throws Exception {
        try (Cli server = server(dir, "--ca", pki("ca.pem"), "--auth", "request", "--echo", "--alpn", "gdtls/1,other/2")) {
            String address = listening(server);
            try (Cli a = new Cli(dir, "client", address, "--ca", pki("ca.pem"), "--server-name", "server.example.com",
                         "--cert", pki("client.pem"), "--key", pki("client-key.pem"), "--alpn", "gdtls/1", "--json");
                 Cli b = new Cli(dir, "client", address, "--ca", pki("ca.pem"));
                 Cli c = new Cli(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
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
                a.process.getOutputStream().close(); // end of input: close_notify, exit 0
                assertEquals(0, a.exit(), a.describe());
                a.event(is("close", "reason", "eof"));

                // b, in text mode: the summary on stderr, the echo on stdout as it came
                b.send("from b\n");
                b.await("from b"::equals);
                b.terminate(); // SIGTERM: the shutdown hook sends close_notify
                assertEquals(143, b.exit(), b.describe());
                assertTrue(b.describe().contains("closed: interrupted (Ctrl-C or SIGTERM), close_notify sent"), b.describe());

                c.event(is("handshake", null, null));
                String peerB = (String) server.event(is("datagram", "text", "from b")).get("peer");
                server.event(e -> is("close", "reason", "close_notify").test(e) && peerB.equals(e.get("peer")));
                server.terminate(); // its shutdown hook closes c's session: close_notify, and c ends with 0
                assertEquals(143, server.exit(), server.describe());
                server.event(is("close", "reason", "interrupted"));
                c.event(is("close", "reason", "peer"));
                assertEquals(0, c.exit(), c.describe());
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
        try (Cli server = server(dir, "--idle-timeout", "2.5")) {
            String address = listening(server);
            try (Cli client = new Cli(dir, "client", address, "--ca", pki("ca.pem"), "--json")) {
                client.event(is("handshake", null, null));
                // the server closes the silent session (close_notify), which ends the client with 0
                client.event(is("close", "reason", "peer"));
                assertEquals(0, client.exit(), client.describe());
            }
            server.event(is("close", "reason", "idle"));
            server.terminate();
            assertEquals(143, server.exit(), server.describe());
        }
    }
}
