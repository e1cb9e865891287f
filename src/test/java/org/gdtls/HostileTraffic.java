package org.gdtls;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * The attacker of a DTLS server's port: hostile datagrams sent with the JDK's own {@link DatagramChannel}, never
 * through the binding under test, each kind bounded by the count its caller gives. Everything random comes from
 * one {@link Random} seeded at {@link #at}: the same seed and calls send the same bytes (put {@link #seed()} in
 * every failure message; {@link Counts#toString()} carries it).
 *
 * <p>Sources are sockets bound to fresh loopback addresses, 127.100.0.1 and on (Linux answers every 127/8
 * address on {@code lo} without setup). A source either {@linkplain #closedSources stays open} until
 * {@link #close()} and counts what comes back to it (read by one drain thread, never answered: a spoofed victim
 * whose address the attacker used), or is closed right after its last datagram (a victim with nothing listening,
 * so the server's replies meet ICMP port unreachable). The kinds:
 * <ul>
 *   <li>{@link #randomDatagrams}: random bytes, random lengths 0..1500, the first one empty;</li>
 *   <li>{@link #dtlsShapedGarbage}: one 13-byte DTLS record header each (content types 20-23 and invalid ones,
 *       DTLS 1.0 or 1.2, epoch 0 or 1, random sequence numbers; a length that matches, exceeds or undercuts the
 *       random body), sometimes a train of two or three such records with matching lengths;</li>
 *   <li>{@link #clientHelloShapedGarbage}: handshake records (22, epoch 0) whose handshake header says
 *       ClientHello (1) over a garbage body: whole, a fragment of a claimed message up to 16 MiB, or a fragment
 *       whose lengths lie;</li>
 *   <li>{@link #clientHelloFlood}: real ClientHellos ({@link #gioClientHello()}, {@link #jdkClientHello()}) from
 *       many sources, each with a fresh client random;</li>
 *   <li>{@link #truncated} and {@link #replayed}: a {@link Recording}'s client datagrams cut short, or byte for
 *       byte, from the session's original source address or from fresh ones.</li>
 * </ul>
 * Each kind returns its {@link Counts}: what was sent, and live tallies of what came back to its sources, from
 * which a test computes the amplification (bytes back / bytes sent). Replies come late (a GIO server resends
 * its flight after 1, 2, 4 ... s), so read them in a bounded poll. Not thread-safe: one sending thread.
 */
final class HostileTraffic implements AutoCloseable {
    /** Open sources at most, per instance: each is a file descriptor until {@link #close()}. */
    static final int MAX_OPEN_SOURCES = 4096;
    private static final int MAX_DATAGRAM = 1500;
    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE_HEADER = 12;
    /** Offset of a ClientHello's random: record header, handshake header, client_version. */
    private static final int CLIENT_RANDOM = RECORD_HEADER + HANDSHAKE_HEADER + 2;
    private static final int[] VALID_TYPES = {20, 21, 22, 23};
    private static final int[] INVALID_TYPES = {0, 19, 24, 25, 255};
    static final int DTLS_1_0 = 0xfeff;
    static final int DTLS_1_2 = 0xfefd;
    /** Hands out loopback source addresses across instances, so two attackers in one JVM never share one. */
    private static final AtomicInteger NEXT_SOURCE = new AtomicInteger();

    private final InetSocketAddress target;
    private final long seed;
    private final Random random;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Source> toRegister = new ConcurrentLinkedQueue<>();
    private final List<Source> open = new ArrayList<>();
    private final Thread drain;
    private volatile Throwable drainFailure;
    private long intervalNanos;
    private long nextSend;
    private boolean closedSources;

    private HostileTraffic(InetSocketAddress target, long seed) throws IOException {
        this.target = target;
        this.seed = seed;
        this.random = new Random(seed);
        this.selector = Selector.open();
        drain = new Thread(this::drain, "hostile-drain");
        drain.setDaemon(true);
        drain.start();
    }

    /** An attacker of {@code target} whose randomness is {@code seed}. */
    static HostileTraffic at(InetSocketAddress target, long seed) throws IOException {
        return new HostileTraffic(target, seed);
    }

    /** As {@link #at(InetSocketAddress, long)} with a seed from the clock (print {@link #seed()} on failure). */
    static HostileTraffic at(InetSocketAddress target) throws IOException {
        return at(target, System.nanoTime());
    }

    long seed() {
        return seed;
    }

    InetSocketAddress target() {
        return target;
    }

    /** At most {@code datagramsPerSecond} datagrams a second from now on, all kinds together; 0: no limit. */
    HostileTraffic rate(int datagramsPerSecond) {
        if (datagramsPerSecond < 0) {
            throw new IllegalArgumentException("rate must be 0 or more: " + datagramsPerSecond);
        }
        intervalNanos = datagramsPerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / datagramsPerSecond;
        nextSend = System.nanoTime();
        return this;
    }

    /**
     * From now on, close each new source right after its last datagram (true: nothing listens where the server
     * answers, and nothing is counted back), or keep it open and count (false, the default).
     */
    HostileTraffic closedSources(boolean closed) {
        this.closedSources = closed;
        return this;
    }

    // ---------- the kinds ----------

    /** {@code count} datagrams of random bytes, lengths 0..1500 (the first one empty), from {@code sources} sources. */
    Counts randomDatagrams(int count, int sources) throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            datagrams.add(randomDatagram(random, i == 0));
        }
        return sendFromFresh("random", datagrams, sources);
    }

    /** {@code count} datagrams of DTLS-shaped garbage ({@link #forgeRecords}) from {@code sources} sources. */
    Counts dtlsShapedGarbage(int count, int sources) throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            datagrams.add(forgeRecords(random));
        }
        return sendFromFresh("dtls-shaped", datagrams, sources);
    }

    /** {@code count} handshake records claiming a ClientHello over garbage ({@link #forgeClientHello}). */
    Counts clientHelloShapedGarbage(int count, int sources) throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            datagrams.add(forgeClientHello(random));
        }
        return sendFromFresh("client-hello-shaped", datagrams, sources);
    }

    /**
     * {@code perSource} ClientHellos from each of {@code sources} fresh sources: each one of {@code hellos}
     * (chosen at random) with a fresh client random ({@link #withFreshRandom}).
     */
    Counts clientHelloFlood(List<byte[]> hellos, int sources, int perSource) throws IOException {
        if (hellos.isEmpty()) {
            throw new IllegalArgumentException("no ClientHello to flood with");
        }
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < sources * perSource; i++) {
            datagrams.add(withFreshRandom(hellos.get(random.nextInt(hellos.size())), random));
        }
        return sendFromFresh("client-hello-flood", datagrams, sources);
    }

    /**
     * {@code count} of the recording's client datagrams, each cut to a random length below its own (0 included):
     * from the session's original source address if {@code sources} is 0, else from that many fresh sources.
     */
    Counts truncated(Recording recording, int count, int sources) throws IOException {
        List<byte[]> client = recording.datagrams(Recording.Direction.CLIENT_TO_SERVER);
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] d = client.get(random.nextInt(client.size()));
            datagrams.add(java.util.Arrays.copyOf(d, d.length == 0 ? 0 : random.nextInt(d.length)));
        }
        return sources == 0 ? sendFromOriginal("truncated", recording, datagrams)
                : sendFromFresh("truncated", datagrams, sources);
    }

    /**
     * Every client datagram of the recording, byte for byte and in order, {@code rounds} times: from the original
     * source address if {@code sources} is 0, else from that many fresh sources.
     */
    Counts replayed(Recording recording, int rounds, int sources) throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            datagrams.addAll(recording.datagrams(Recording.Direction.CLIENT_TO_SERVER));
        }
        return sources == 0 ? sendFromOriginal("replayed", recording, datagrams)
                : sendFromFresh("replayed", datagrams, sources);
    }

    // ---------- forging (deterministic for a given Random) ----------

    /** Random bytes, length 0..1500; {@code empty} forces length 0. */
    static byte[] randomDatagram(Random r, boolean empty) {
        byte[] d = new byte[empty ? 0 : r.nextInt(MAX_DATAGRAM + 1)];
        r.nextBytes(d);
        return d;
    }

    /** How a forged record's length field relates to the body that follows it. */
    enum LengthMode { MATCH, EXCEED, UNDERCUT }

    /**
     * One DTLS-shaped datagram: usually one record header over a random body whose declared length matches,
     * exceeds or undercuts it (then the rest of the body is trailing garbage), one time in four a train of two or
     * three records whose lengths all match.
     */
    static byte[] forgeRecords(Random r) {
        if (r.nextInt(4) == 0) {
            int n = 2 + r.nextInt(2);
            ByteBuffer train = ByteBuffer.allocate(MAX_DATAGRAM);
            for (int i = 0; i < n; i++) {
                train.put(forgeRecord(r, LengthMode.MATCH, (MAX_DATAGRAM / n) - RECORD_HEADER));
            }
            return java.util.Arrays.copyOf(train.array(), train.position());
        }
        return forgeRecord(r, LengthMode.values()[r.nextInt(3)], MAX_DATAGRAM - RECORD_HEADER);
    }

    /** One record: a header of random fields (as {@link #forgeRecords} says) over a body of at most {@code maxBody}. */
    static byte[] forgeRecord(Random r, LengthMode mode, int maxBody) {
        int type = r.nextInt(4) == 0 ? INVALID_TYPES[r.nextInt(INVALID_TYPES.length)]
                : VALID_TYPES[r.nextInt(VALID_TYPES.length)];
        int version = r.nextBoolean() ? DTLS_1_0 : DTLS_1_2;
        int epoch = r.nextInt(2);
        long seq = r.nextLong() & 0xffff_ffff_ffffL;
        int body = switch (mode) {
            case MATCH -> r.nextInt(maxBody + 1);
            case EXCEED -> r.nextInt(maxBody + 1);
            case UNDERCUT -> 1 + r.nextInt(maxBody);
        };
        int declared = switch (mode) {
            case MATCH -> body;
            case EXCEED -> Math.min(0xffff, body + 1 + r.nextInt(r.nextBoolean() ? 64 : 0xffff));
            case UNDERCUT -> r.nextInt(body);
        };
        byte[] d = new byte[RECORD_HEADER + body];
        r.nextBytes(d);
        putRecordHeader(d, 0, type, version, epoch, seq, declared);
        return d;
    }

    /**
     * A handshake record (22, epoch 0, DTLS 1.0 or 1.2, record length matching) whose handshake header says
     * ClientHello (1) over a random body, in one of three shapes: the whole message (length = fragment_length =
     * body, offset 0); a fragment of a claimed message of up to 16 MiB at a random offset; or lying lengths (a
     * fragment_length beyond the record, or offset + fragment_length beyond the message). message_seq is random.
     */
    static byte[] forgeClientHello(Random r) {
        int body = r.nextInt(MAX_DATAGRAM - RECORD_HEADER - HANDSHAKE_HEADER + 1);
        int length;
        int offset;
        int fragment;
        switch (r.nextInt(3)) {
            case 0 -> {
                length = body;
                offset = 0;
                fragment = body;
            }
            case 1 -> {
                length = body + r.nextInt(0x1000000 - body);
                offset = r.nextInt(length - body + 1);
                fragment = body;
            }
            default -> {
                length = r.nextInt(0x1000000);
                offset = r.nextInt(0x1000000);
                fragment = body + 1 + r.nextInt(0xffff);
            }
        }
        byte[] d = new byte[RECORD_HEADER + HANDSHAKE_HEADER + body];
        r.nextBytes(d);
        putRecordHeader(d, 0, 22, r.nextBoolean() ? DTLS_1_0 : DTLS_1_2, 0, r.nextInt(16), HANDSHAKE_HEADER + body);
        int h = RECORD_HEADER;
        d[h] = 1;
        put24(d, h + 1, length);
        d[h + 4] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 0); // message_seq: usually 0, as a first hello
        d[h + 5] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 0);
        put24(d, h + 6, offset);
        put24(d, h + 9, fragment);
        return d;
    }

    /**
     * A copy of {@code hello} with a fresh 32-byte client random, if it is one whole unfragmented ClientHello;
     * otherwise an exact copy.
     */
    static byte[] withFreshRandom(byte[] hello, Random r) {
        byte[] d = hello.clone();
        if (d.length >= CLIENT_RANDOM + 32 && d[0] == 22 && d[RECORD_HEADER] == 1
                && get24(d, RECORD_HEADER + 6) == 0 && get24(d, RECORD_HEADER + 1) == get24(d, RECORD_HEADER + 9)) {
            byte[] fresh = new byte[32];
            r.nextBytes(fresh);
            System.arraycopy(fresh, 0, d, CLIENT_RANDOM, 32);
        }
        return d;
    }

    static void putRecordHeader(byte[] d, int at, int type, int version, int epoch, long seq, int length) {
        d[at] = (byte) type;
        d[at + 1] = (byte) (version >> 8);
        d[at + 2] = (byte) version;
        d[at + 3] = (byte) (epoch >> 8);
        d[at + 4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            d[at + 5 + i] = (byte) (seq >>> (8 * (5 - i)));
        }
        d[at + 11] = (byte) (length >> 8);
        d[at + 12] = (byte) length;
    }

    private static void put24(byte[] d, int at, int value) {
        d[at] = (byte) (value >> 16);
        d[at + 1] = (byte) (value >> 8);
        d[at + 2] = (byte) value;
    }

    static int get24(byte[] d, int at) {
        return (d[at] & 0xff) << 16 | (d[at + 1] & 0xff) << 8 | d[at + 2] & 0xff;
    }

    // ---------- real ClientHellos ----------

    /**
     * The first datagram a binding client sends (GIO's ClientHello, identity server.example.com): captured from a
     * {@link DtlsClientConnection} over a {@link CustomTransport} whose sink records it; the handshake is then
     * cancelled. The flood sends it with the JDK, not through the binding.
     */
    static byte[] gioClientHello() throws Exception {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        try (CustomTransport transport = CustomTransport.create(datagram -> {
                byte[] b = new byte[datagram.remaining()];
                datagram.duplicate().get(b);
                first.complete(b);
            });
             Cancellable cancel = new Cancellable()) {
            DtlsClientConnection client = DtlsClientConnection.create(transport, "server.example.com");
            try {
                CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                    try {
                        client.handshake(cancel);
                    } catch (GioException expected) {
                        // cancelled below
                    }
                }, TestThreads.BLOCKING);
                try {
                    return first.get(20, TimeUnit.SECONDS);
                } finally {
                    cancel.cancel();
                    handshake.get(20, TimeUnit.SECONDS);
                }
            } finally {
                client.close(Duration.ofSeconds(2));
            }
        }
    }

    /** The first datagram the JDK's DTLS 1.2 client ({@link SSLEngine}) sends: its ClientHello, no cookie. */
    static byte[] jdkClientHello() throws Exception {
        SSLContext context = SSLContext.getInstance("DTLSv1.2");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("server.example.com", 443);
        engine.setUseClientMode(true);
        javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
        parameters.setMaximumPacketSize(1400);
        engine.setSSLParameters(parameters);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
        if (result.getStatus() != SSLEngineResult.Status.OK || out.position() == 0) {
            throw new IllegalStateException("the JDK's engine made no ClientHello: " + result);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    // ---------- sending ----------

    private Counts sendFromFresh(String kind, List<byte[]> datagrams, int sources) throws IOException {
        if (sources < 1) {
            throw new IllegalArgumentException("at least one source: " + sources);
        }
        int n = Math.min(sources, Math.max(1, datagrams.size()));
        if (!closedSources && open.size() + n > MAX_OPEN_SOURCES) {
            throw new IllegalArgumentException(kind + ": " + n + " more sources would keep over " + MAX_OPEN_SOURCES
                    + " open (seed " + seed + ")");
        }
        List<Source> used = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                used.add(new Source(DatagramChannel.open(StandardProtocolFamily.INET)
                        .bind(new InetSocketAddress(nextSourceAddress(), 0))));
            }
            Counts counts = new Counts(kind, seed);
            for (Source s : used) {
                counts.back.put(s.address, s.tally);
            }
            // source i sends datagrams i, i + n, i + 2n, ...: in time, sources interleave
            for (int i = 0; i < datagrams.size(); i++) {
                Source s = used.get(i % n);
                pace();
                counts.sent(send(s.channel, datagrams.get(i)), datagrams.get(i).length);
            }
            if (!closedSources) {
                for (Source s : used) {
                    s.channel.configureBlocking(false);
                    open.add(s);
                    toRegister.add(s);
                }
                selector.wakeup();
                used.clear(); // kept open until close()
            }
            return counts;
        } finally {
            for (Source s : used) {
                s.channel.close();
            }
        }
    }

    private Counts sendFromOriginal(String kind, Recording recording, List<byte[]> datagrams) throws IOException {
        Counts counts = new Counts(kind, seed);
        long baseBytes = recording.bytesBack();
        long baseDatagrams = recording.datagramsBack();
        counts.back.put(recording.clientAddress(), new Tally() {
            @Override
            long bytes() {
                return recording.bytesBack() - baseBytes;
            }

            @Override
            long datagrams() {
                return recording.datagramsBack() - baseDatagrams;
            }
        });
        for (byte[] d : datagrams) {
            pace();
            counts.sent(recording.sendFromClientAddress(ByteBuffer.wrap(d), target) == d.length, d.length);
        }
        return counts;
    }

    /** Sends one datagram, blocking: true if it went out whole. */
    private boolean send(DatagramChannel channel, byte[] d) throws IOException {
        return channel.send(ByteBuffer.wrap(d), target) == d.length;
    }

    private void pace() {
        if (intervalNanos == 0) {
            return;
        }
        long wait = nextSend - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        nextSend = Math.max(nextSend, System.nanoTime() - intervalNanos) + intervalNanos;
    }

    /** 127.100.0.1, 127.100.0.2, ... 127.100.0.254, 127.100.1.1, ...: never 127.0.0.x, where legitimate peers live. */
    static InetAddress sourceAddress(int index) {
        int i = Math.floorMod(index, 100 * 256 * 254);
        byte[] a = {127, (byte) (100 + i / (256 * 254)), (byte) (i / 254 % 256), (byte) (1 + i % 254)};
        try {
            return Inet4Address.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress nextSourceAddress() {
        return sourceAddress(NEXT_SOURCE.getAndIncrement());
    }

    private void drain() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (selector.isOpen()) {
                selector.select(1000);
                for (Source s; (s = toRegister.poll()) != null; ) {
                    s.channel.register(selector, SelectionKey.OP_READ, s);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Source s = (Source) key.attachment();
                    while (s.channel.receive(buf.clear()) != null) {
                        s.tally.add(buf.position());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (ClosedSelectorException | java.nio.channels.ClosedChannelException stopped) {
            // close()
        } catch (Throwable t) {
            drainFailure = t;
        }
    }

    /** Closes every source and ends the drain thread. Rethrows what broke the drain, if anything did. */
    @Override
    public void close() throws IOException {
        try {
            selector.close();
            drain.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Source s : open) {
                s.channel.close();
            }
            open.clear();
        }
        if (drainFailure != null) {
            throw new IOException("hostile traffic's drain failed (seed " + seed + ")", drainFailure);
        }
    }

    // ---------- counts ----------

    /** What came back to one source. */
    abstract static class Tally {
        abstract long bytes();

        abstract long datagrams();
    }

    private static final class LiveTally extends Tally {
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong datagrams = new AtomicLong();

        void add(int n) {
            bytes.addAndGet(n);
            datagrams.incrementAndGet();
        }

        @Override
        long bytes() {
            return bytes.get();
        }

        @Override
        long datagrams() {
            return datagrams.get();
        }
    }

    private record Source(DatagramChannel channel, InetSocketAddress address, LiveTally tally) {
        Source(DatagramChannel channel) throws IOException {
            this(channel, (InetSocketAddress) channel.getLocalAddress(), new LiveTally());
        }
    }

    /**
     * One kind's traffic: what was sent (final once the kind's method returned) and, per source, what came back
     * (live: it grows while the server answers or resends; poll it, bounded).
     */
    static final class Counts {
        final String kind;
        final long seed;
        private int datagrams;
        private long bytes;
        private int unsent;
        private final Map<InetSocketAddress, Tally> back = new LinkedHashMap<>();

        private Counts(String kind, long seed) {
            this.kind = kind;
            this.seed = seed;
        }

        private void sent(boolean whole, int length) {
            if (whole) {
                datagrams++;
                bytes += length;
            } else {
                unsent++;
            }
        }

        /** Datagrams that went out whole. */
        int datagramsSent() {
            return datagrams;
        }

        /** Their bytes (DTLS bytes: UDP payloads). */
        long bytesSent() {
            return bytes;
        }

        /** Datagrams the socket did not take whole (none on loopback so far). */
        int unsent() {
            return unsent;
        }

        /** The addresses this kind sent from. */
        List<InetSocketAddress> sources() {
            return List.copyOf(back.keySet());
        }

        /** Bytes that came back to all of this kind's sources so far. */
        long bytesBack() {
            return back.values().stream().mapToLong(Tally::bytes).sum();
        }

        long datagramsBack() {
            return back.values().stream().mapToLong(Tally::datagrams).sum();
        }

        /** Bytes back per source so far. */
        Map<InetSocketAddress, Long> bytesBackBySource() {
            Map<InetSocketAddress, Long> m = new LinkedHashMap<>();
            back.forEach((a, t) -> m.put(a, t.bytes()));
            return Collections.unmodifiableMap(m);
        }

        /** How many sources got anything back so far. */
        long sourcesAnswered() {
            return back.values().stream().filter(t -> t.datagrams() > 0).count();
        }

        /** Bytes back / bytes sent, so far. */
        double amplification() {
            return bytes == 0 ? 0 : (double) bytesBack() / bytes;
        }

        /**
         * Polls until {@code condition} holds for these counts, or {@code bound} passed: whether it held. For the
         * replies, which come late.
         */
        boolean await(java.util.function.Predicate<Counts> condition, Duration bound) throws InterruptedException {
            long end = System.nanoTime() + bound.toNanos();
            while (!condition.test(this)) {
                if (System.nanoTime() - end > 0) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        }

        @Override
        public String toString() {
            return String.format("%s (seed %d): %d datagrams, %d bytes sent from %d sources%s; back %d datagrams, "
                    + "%d bytes to %d sources (amplification %.2f)", kind, seed, datagrams, bytes, back.size(),
                    unsent == 0 ? "" : " (" + unsent + " unsent)", datagramsBack(), bytesBack(), sourcesAnswered(),
                    amplification());
        }
    }
}
