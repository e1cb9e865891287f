package org.gdtls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * hostile/&lt;kind&gt;/&lt;phase&gt; through the binding: forged datagrams reach a DTLS server from its peer's address.
 * The C runner's native/parity/hostile_cases.c does the same on plain libgio and documents the kinds, the phases
 * and the relay; keep the two in step (same bytes, same injection points, same keys). The relay here is the JDK's
 * {@link DatagramChannel}: scaffolding, not the code under comparison, which is GIO's DTLS over
 * {@link UdpSocket}s.
 */
final class HostileScenario {
    /** Kinds, each with the first phase it has (nothing can be replayed before it was sent), as in C. */
    private static final Map<String, Integer> KINDS = kinds();
    private static final List<String> PHASES = List.of("before", "during", "after");
    static final List<String> SCENARIOS = KINDS.entrySet().stream()
            .flatMap(k -> PHASES.subList(k.getValue(), 3).stream().map(p -> "hostile/" + k.getKey() + "/" + p))
            .toList();

    /** As hostile_cases.c: SEED, FORGED_SEQ, IO_TIMEOUT_US (also each implicit handshake's bound), MAX_MESSAGES. */
    private static final int SEED = 0x2545F491;
    private static final long FORGED_SEQ = 8;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_MESSAGES = 8;

    private HostileScenario() {}

    private static Map<String, Integer> kinds() {
        Map<String, Integer> k = new LinkedHashMap<>();
        for (String name : List.of("random", "record", "truncated", "oversize")) {
            k.put(name, 0);
        }
        k.put("replay-hello", 1);
        k.put("replay-data", 2);
        for (String name : List.of("ccs", "alert-fatal", "alert-warning", "empty")) {
            k.put(name, 0);
        }
        return k;
    }

    // ---------- forged datagrams (as forge() in C) ----------

    /** xorshift32, as rng_next in C. */
    private static final class Rng {
        private int x = SEED;

        int next() {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            return x;
        }

        int range(int lo, int hi) {
            return lo + Integer.remainderUnsigned(next(), hi - lo + 1);
        }

        void fill(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                b[i] = (byte) next();
            }
        }
    }

    private static void putHeader(byte[] p, int type, int epoch, long seq, int length) {
        p[0] = (byte) type;
        p[1] = (byte) 0xfe;
        p[2] = (byte) 0xfd;
        p[3] = (byte) (epoch >> 8);
        p[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            p[5 + i] = (byte) (seq >>> (8 * (5 - i)));
        }
        p[11] = (byte) (length >> 8);
        p[12] = (byte) length;
    }

    private static byte[] epoch0Record(int type, byte... body) {
        byte[] d = new byte[13 + body.length];
        putHeader(d, type, 0, FORGED_SEQ, body.length);
        System.arraycopy(body, 0, d, 13, body.length);
        return d;
    }

    static List<byte[]> forge(String kind) {
        List<byte[]> out = new ArrayList<>();
        Rng r = new Rng();
        switch (kind) {
            case "random" -> {
                for (int i = 0; i < 8; i++) {
                    byte[] d = new byte[r.range(1, 200)];
                    r.fill(d, 0, d.length);
                    out.add(d);
                }
            }
            case "record" -> {
                for (int i = 0; i < 8; i++) {
                    int type = 20 + Integer.remainderUnsigned(r.next(), 4);
                    int epoch = Integer.remainderUnsigned(r.next(), 3);
                    long seq = (long) (r.next() & 0xffff) << 32;
                    seq |= r.next() & 0xffffffffL;
                    int len = r.range(1, 64);
                    byte[] d = new byte[13 + len];
                    putHeader(d, type, epoch, seq, len);
                    r.fill(d, 13, d.length);
                    out.add(d);
                }
            }
            case "truncated" -> {
                byte[] d = new byte[13 + 20];
                putHeader(d, 22, 0, FORGED_SEQ, 1000);
                r.fill(d, 13, d.length);
                out.add(d);
                byte[] header = new byte[13];
                putHeader(header, 22, 0, FORGED_SEQ + 1, 100);
                out.add(java.util.Arrays.copyOf(header, 7));
            }
            case "oversize" -> {
                int[] sizes = {65000, 1401};
                for (int i = 0; i < sizes.length; i++) {
                    byte[] d = new byte[sizes[i]];
                    putHeader(d, 23, 1, 0x10000 + i, sizes[i] - 13);
                    r.fill(d, 13, d.length);
                    out.add(d);
                }
            }
            case "ccs" -> out.add(epoch0Record(20, (byte) 1));
            case "alert-fatal" -> out.add(epoch0Record(21, (byte) 2, (byte) 40));
            case "alert-warning" -> out.add(epoch0Record(21, (byte) 1, (byte) 0));
            case "empty" -> out.add(new byte[0]);
            default -> { } // the replay kinds: captured by the relay
        }
        return out;
    }

    // ---------- the relay (as in C) ----------

    private static final class Relay implements AutoCloseable {
        final String kind;
        final String phase;
        final DatagramChannel channel;
        final InetSocketAddress client;
        final InetSocketAddress server;
        byte[] hello;
        byte[] firstData;
        volatile String injected;
        volatile Throwable failure;
        private Thread thread;

        Relay(String kind, String phase, InetSocketAddress client, InetSocketAddress server) throws IOException {
            this.kind = kind;
            this.phase = phase;
            this.client = client;
            this.server = server;
            channel = DatagramChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        /** As inject() in C: "&lt;n&gt; datagram(s), &lt;bytes&gt; bytes, fnv1a &lt;hex&gt;" or "..., replayed". */
        void inject() throws IOException {
            List<byte[]> forged = forge(kind);
            byte[] captured = kind.equals("replay-hello") ? hello : kind.equals("replay-data") ? firstData : null;
            if (captured != null) {
                forged.add(captured);
            }
            int fnv = 0x811c9dc5;
            long total = 0;
            for (byte[] d : forged) {
                if (channel.send(ByteBuffer.wrap(d), server) != d.length) {
                    throw new IOException("relay: injecting " + d.length + " bytes failed");
                }
                for (byte b : d) {
                    fnv = (fnv ^ (b & 0xff)) * 16777619;
                }
                total += d.length;
            }
            injected = forged.size() + (forged.size() == 1 ? " datagram, " : " datagrams, ") + total + " bytes, "
                    + (captured != null ? "replayed" : String.format("fnv1a %08x", fnv));
        }

        void start() {
            thread = new Thread(this::forward, "hostile-relay");
            thread.setDaemon(true);
            thread.start();
        }

        private void forward() {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (true) {
                    buf.clear();
                    InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                    buf.flip();
                    int n = buf.remaining();
                    boolean fromClient = from.getPort() == client.getPort();
                    if (fromClient || from.getPort() == server.getPort()) {
                        channel.send(buf.duplicate(), fromClient ? server : client);
                    }
                    if (!fromClient || injected != null) {
                        continue;
                    }
                    if (hello == null) {
                        hello = copy(buf, n);
                        if (phase.equals("during")) {
                            inject();
                        }
                    } else if (firstData == null && n > 0 && buf.get(0) == 23) {
                        firstData = copy(buf, n);
                        if (phase.equals("after")) {
                            inject();
                        }
                    }
                }
            } catch (ClosedChannelException stopped) {
                // close() ends the relay
            } catch (Throwable t) {
                failure = t;
            }
        }

        private static byte[] copy(ByteBuffer buf, int n) {
            byte[] b = new byte[n];
            buf.duplicate().get(b);
            return b;
        }

        @Override
        public void close() throws IOException {
            channel.close();
            if (thread != null) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ---------- the scenario ----------

    static Map<String, Object> run(String scenario, List<Long> created) throws Exception {
        String[] parts = scenario.split("/");
        String kind = parts[1];
        String phase = parts[2];
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", scenario);
        ParityScenario.CriticalCounter criticals = ParityScenario.CriticalCounter.attach();
        try (UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpSocket clientSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Relay relay = new Relay(kind, phase, clientSocket.localAddress(), serverSocket.localAddress())) {
            serverSocket.connect(relay.address());
            clientSocket.connect(relay.address());
            DtlsServerConnection server;
            try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                    LoopbackPair.pki("server-key.pem"))) {
                server = DtlsServerConnection.create(serverSocket, cert);
            }
            DtlsClientConnection client = DtlsClientConnection.create(clientSocket, "server.example.com");
            try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                client.setDatabase(db);
            }
            if (created != null) {
                for (long address : List.of(client.handle.address(), server.handle.address(),
                        clientSocket.handle.address(), serverSocket.handle.address())) {
                    GObjectOracle.ref(address);
                    created.add(address);
                }
            }
            try {
                if (phase.equals("before")) {
                    relay.inject();
                }
                relay.start();
                if (handshakes(server, client, out)) {
                    exchange(server, client, out);
                }
                relay.close();
                if (relay.failure != null) {
                    throw new IllegalStateException("relay failed", relay.failure);
                }
                String injected = relay.injected;
                out.put("injected", injected == null ? "none" : injected);
                out.put("glib_criticals", criticals.count.get());
            } finally {
                closeQuietly(client);
                closeQuietly(server);
            }
        } finally {
            criticals.detach();
        }
        // The C runner's key order.
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String key : List.of("scenario", "injected", "client_handshake", "server_handshake", "server_received",
                "delivered", "unexpected_delivered", "server_then", "reply_send", "client_received",
                "error_messages", "glib_criticals")) {
            ordered.put(key, out.get(key));
        }
        return ordered;
    }

    /** What one I/O call gave: the value recorded under its field, and its error's message (null if none). */
    private record Outcome(Object value, String message) {
        static Outcome of(GioException e) {
            return new Outcome(ParityScenario.error(e), e.getMessage());
        }
    }

    /**
     * As in C: the GError message of each field that recorded an error, "field: message" joined by "; ", or
     * "none"; {@code messages} holds field, message pairs in the record's order (a null message is skipped).
     */
    private static String errorMessages(List<String[]> messages) {
        List<String> parts = new ArrayList<>();
        for (String[] m : messages) {
            if (m[1] != null) {
                parts.add(m[0] + ": " + m[1]);
            }
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    /**
     * As in C: each side's first I/O is a send with the timeout, which runs the implicit handshake bounded by it
     * (the server's "hello" on another thread, the client's "first"); nothing is cancelled. Returns whether both
     * succeeded.
     */
    private static boolean handshakes(DtlsServerConnection server, DtlsClientConnection client,
                                      Map<String, Object> out) throws Exception {
        CompletableFuture<Outcome> serverSide = CompletableFuture.supplyAsync(() -> send(server, "hello"),
                TestThreads.BLOCKING);
        Outcome clientResult = send(client, "first");
        Outcome serverResult = serverSide.get(30, TimeUnit.SECONDS);
        out.put("client_handshake", clientResult.value());
        out.put("server_handshake", serverResult.value());
        if (!clientResult.value().equals("ok") || !serverResult.value().equals("ok")) {
            out.put("error_messages", errorMessages(List.of(
                    new String[] {"client_handshake", clientResult.message()},
                    new String[] {"server_handshake", serverResult.message()})));
            return false;
        }
        return true;
    }

    private static void exchange(DtlsServerConnection server, DtlsClientConnection client, Map<String, Object> out) {
        send(client, "second"); // never fails over an established session; what arrives counts
        List<String> serverExpects = List.of("first", "second");
        int[] counts = new int[2];
        Received received = receiveAll(server, serverExpects, counts);
        out.put("server_received", received.seen());
        out.put("delivered", counts[0]);
        out.put("unexpected_delivered", counts[1]);
        String thenMessage = null;
        if (!received.complete()) { // does the session still deliver after that?
            List<String> then = new ArrayList<>();
            thenMessage = receiveOne(server, serverExpects, then);
            out.put("server_then", then.get(0));
        }
        Outcome reply = send(server, "reply"); // the other direction, whatever the server received
        out.put("reply_send", reply.value());
        Received clientReceived = receiveAll(client, List.of("hello", "reply"), new int[2]);
        out.put("client_received", clientReceived.seen());
        out.put("error_messages", errorMessages(List.of(
                new String[] {"server_received", received.message()},
                new String[] {"server_then", thenMessage},
                new String[] {"reply_send", reply.message()},
                new String[] {"client_received", clientReceived.message()})));
    }

    /** What receiveAll saw, its error's message (or null), and whether all the expected messages arrived. */
    private record Received(String seen, String message, boolean complete) {}

    /**
     * As receive_one in C: one receive within IO_TIMEOUT; adds to {@code seen} the message's text if it is one of
     * {@code expected}, another message as "other:&lt;length&gt;", the end of the stream as "eof", an error as its
     * id. Returns the error's message, or null.
     */
    private static String receiveOne(DtlsConnection conn, List<String> expected, List<String> seen) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        int n;
        try {
            n = conn.receive(new ByteBuffer[] {buf}, 0, 1, IO_TIMEOUT, null);
        } catch (GioException e) {
            seen.add(ParityScenario.error(e));
            return e.getMessage();
        }
        if (n == 0) {
            seen.add("eof");
            return null;
        }
        byte[] got = new byte[buf.flip().remaining()];
        buf.get(got);
        String text = new String(got, StandardCharsets.ISO_8859_1);
        seen.add(expected.contains(text) ? text : "other:" + got.length);
        return null;
    }

    /** As receive_all in C; {@code counts} gets the messages and those that were not the next expected one. */
    private static Received receiveAll(DtlsConnection conn, List<String> expected, int[] counts) {
        List<String> seen = new ArrayList<>();
        int next = 0;
        String message = null;
        for (int i = 0; i < MAX_MESSAGES && next < expected.size(); i++) {
            message = receiveOne(conn, expected, seen);
            String last = seen.get(seen.size() - 1);
            boolean delivered = message == null && !last.equals("eof");
            if (!delivered) {
                break;
            }
            counts[0]++;
            if (last.equals(expected.get(next))) {
                next++;
            } else {
                counts[1]++;
            }
        }
        return new Received(String.join(",", seen), message, next == expected.size());
    }

    /** Sends {@code text} within IO_TIMEOUT: "ok" or the error id, and the error's message. */
    private static Outcome send(DtlsConnection conn, String text) {
        try {
            conn.send(new ByteBuffer[] {ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII))}, 0, 1, IO_TIMEOUT);
            return new Outcome("ok", null);
        } catch (GioException e) {
            return Outcome.of(e);
        }
    }

    private static void closeQuietly(DtlsConnection conn) {
        try {
            conn.close();
        } catch (GioException ignored) {
            // as in C: errors on close are not part of the observation
        }
    }
}
