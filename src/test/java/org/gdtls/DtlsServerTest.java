package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DtlsServer}: sessions, the limits, the counters and the lifecycle, against real GIO clients. */
@Timeout(120)
class DtlsServerTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static byte[] clientHello;

    private final List<AutoCloseable> open = new ArrayList<>();
    private TlsCertificate certificate;

    @BeforeAll
    static void captureClientHello() throws Exception {
        clientHello = firstClientHello();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private DtlsServer.Builder builder() throws GioException {
        certificate = keep(TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem")));
        return DtlsServer.builder(LOOPBACK, certificate);
    }

    @Test
    void echoesForManyClientsOnOnePortAndClosesThemAll() throws Exception {
        DtlsServer server = keep(builder().onDatagram((peer, datagram) -> peer.connection().send(datagram)).start());
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(connect(server));
        }
        for (int i = 0; i < clients.size(); i++) {
            assertEquals("hello " + i, clients.get(i).roundTrip("hello " + i));
        }
        DtlsServerStats stats = server.stats();
        assertEquals(5, stats.peers());
        assertEquals(0, stats.halfOpen());
        assertEquals(5, stats.handshakesSucceeded());
        assertEquals(5, server.peers().size());
        long[] watched = server.peers().stream() // each peer's connection and transport
                .flatMapToLong(p -> java.util.stream.LongStream.of(p.connection().handle.address(), p.transport.address()))
                .toArray();
        Arrays.stream(watched).forEach(GObjectOracle::ref);

        server.close();
        for (Client c : clients) {
            assertEquals(-1, c.connection.receive(ByteBuffer.allocateDirect(64), WAIT), "close_notify expected");
        }
        // In pairs: once the connection (held only by the oracle now) is finalized, its transport is held by
        // nobody else either: the demultiplexer, the peer and the server have let go.
        for (long address : watched) {
            assertEquals(1, GObjectOracle.refCount(address), "the server let go of " + GObjectOracle.typeName(address));
            GObjectOracle.unref(address);
        }
        DtlsServerStats after = server.stats();
        assertEquals(0, after.peers());
        assertTrue(after.datagramsReceived() >= 10 && after.datagramsDelivered() >= 10, "counts kept: " + after);
    }

    @Test
    void acceptHandsOutEachPeerOnceAndItsCloseSendsCloseNotify() throws Exception {
        DtlsServer server = keep(builder().start());
        CompletableFuture<DtlsPeer> first = server.accept();
        Client client = connect(server);
        DtlsPeer peer = first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(client.socket.localAddress(), peer.address());
        client.connection.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        assertEquals(4, peer.connection().receive(in, WAIT));
        assertTrue(peer.isOpen());
        assertEquals(DtlsPeer.End.APPLICATION, peer.close().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertFalse(peer.isOpen());
        assertEquals(-1, client.connection.receive(ByteBuffer.allocateDirect(64), WAIT));
        assertEquals(0, server.stats().peers());
        assertThrows(IllegalStateException.class, () -> peer.connection().protocolVersion());
    }

    @Test
    void aPeersCloseNotifyEndsOnlyItsSession() throws Exception {
        CompletableFuture<DtlsPeer> firstPeer = new CompletableFuture<>();
        DtlsServer server = keep(builder().onPeer(firstPeer::complete)
                .onDatagram((peer, datagram) -> peer.connection().send(datagram)).start());
        Client leaving = connect(server);
        DtlsPeer peer = firstPeer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Client staying = connect(server);
        leaving.connection.close(WAIT);
        assertEquals(DtlsPeer.End.CLOSE_NOTIFY, peer.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("still here", staying.roundTrip("still here"));
        assertEquals(1, server.stats().peers());
    }

    @Test
    void aThrowingListenerEndsOnlyItsPeer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> reported = new ArrayList<>();
        Gdtls.setCallbackExceptionHandler((where, e) -> {
            synchronized (reported) {
                reported.add(e);
            }
        });
        try {
            DtlsServer server = keep(builder().onPeer(peer -> {
                if (calls.getAndIncrement() == 0) {
                    throw new IllegalStateException("the application's bug");
                }
            }).onDatagram((peer, datagram) -> peer.connection().send(datagram)).start());
            Client unlucky = connect(server);
            assertEquals(-1, unlucky.connection.receive(ByteBuffer.allocateDirect(64), WAIT), "its session ends");
            Client fine = connect(server);
            assertEquals("ok", fine.roundTrip("ok"));
            awaitStats(server, s -> s.callbackFailures() == 1 && s.peers() == 1);
            synchronized (reported) {
                assertEquals("the application's bug", reported.get(0).getMessage());
            }
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    @Test
    void strayDatagramsAreDroppedWithoutAReply() throws Exception {
        DtlsServer server = keep(builder().start());
        try (DatagramSocket stranger = new DatagramSocket(LOOPBACK)) {
            stranger.setSoTimeout(500);
            byte[] notAHello = clientHello.clone();
            notAHello[13] = 2; // a ServerHello
            for (byte[] datagram : List.of(new byte[0], new byte[] {22}, "garbage".getBytes(StandardCharsets.UTF_8),
                    notAHello)) {
                stranger.send(new DatagramPacket(datagram, datagram.length, server.localAddress()));
            }
            awaitStats(server, s -> s.droppedStray() == 1 && s.droppedShort() == 3);
            assertNoReply(stranger);
        }
        assertEquals(0, server.stats().peers());
    }

    @Test
    void shortDatagramsFromAPeersAddressDoNotHurtItsSession() throws Exception {
        DtlsServer server = keep(builder().onDatagram((peer, datagram) -> peer.connection().send(datagram)).start());
        try (Recording session = Recording.sessionWith(server.localAddress(), 1, true)) {
            // glib-networking would read it as the end of the stream and invalidate the session
            session.sendFromClientAddress(ByteBuffer.allocate(0), server.localAddress());
            // a header cut to 7 bytes would cost the next record
            session.sendFromClientAddress(ByteBuffer.wrap(new byte[] {23, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0}),
                    server.localAddress());
            awaitStats(server, s -> s.droppedShort() == 2);
            session.client().send(ByteBuffer.wrap("alive".getBytes(StandardCharsets.UTF_8)));
            assertEquals(5, session.client().receive(ByteBuffer.allocateDirect(64), WAIT));
        }
    }

    @Test
    void aPeerThatIsNotReadKeepsAtMostItsQueueAndTheRestIsCounted() throws Exception {
        DtlsServer server = keep(builder().queueCapacity(4).start());
        CompletableFuture<DtlsPeer> accepted = server.accept();
        Client client = connect(server);
        DtlsPeer peer = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) { // nobody reads the peer meanwhile
            client.connection.send(ByteBuffer.wrap(("d" + i).getBytes(StandardCharsets.UTF_8)));
        }
        awaitStats(server, s -> s.droppedQueueFull() == 16);
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 4; i++) { // the first four waited, in order
            in.clear();
            assertEquals(2, peer.connection().receive(in, WAIT));
            assertEquals("d" + i, StandardCharsets.UTF_8.decode(in.flip()).toString());
        }
    }

    @Test
    void maxPeersRefusesFurtherClientHellosSilently() throws Exception {
        List<String> refused = new CopyOnWriteArrayList<>();
        DtlsServer server = keep(builder().maxPeers(2).onRefused((from, why) -> refused.add(from + " " + why)).start());
        connect(server);
        connect(server);
        UdpSocket socket = keep(UdpSocket.bind(LOOPBACK));
        socket.connect(server.localAddress());
        DtlsClientConnection third = keep(client(socket));
        IOErrorException e = assertThrows(IOErrorException.class, () -> third.handshake(Duration.ofMillis(1500)));
        assertEquals(IOErrorEnum.TIMED_OUT, e.code());
        DtlsServerStats stats = server.stats();
        assertTrue(stats.refusedMaxPeers() >= 1, stats.toString());
        assertEquals(2, stats.peers());
        // the listener hears of each refusal the counter counts (the third client's ClientHello, and its resends)
        awaitStats(server, st -> st.refusedMaxPeers() == refused.size());
        assertTrue(refused.stream().allMatch((socket.localAddress() + " " + DtlsServer.Refusal.MAX_PEERS)::equals),
                refused.toString());
    }

    @Test
    void halfOpenHandshakesPerSourceAreBoundedAndTimeOut() throws Exception {
        DtlsServer server = keep(builder().maxHalfOpenPerSource(3).handshakeTimeout(Duration.ofMillis(500)).start());
        List<DatagramSocket> senders = floodFromOneAddress(server, 8);
        awaitStats(server, s -> s.refusedHalfOpenPerSource() == 5);
        DtlsServerStats during = server.stats();
        assertTrue(during.halfOpen() <= 3, during.toString());
        awaitStats(server, s -> s.handshakesTimedOut() == 3 && s.peers() == 0);
        // the server answered the admitted ones (its first flight) and nobody else
        int answered = 0;
        for (DatagramSocket s : senders) {
            answered += hasReply(s) ? 1 : 0;
        }
        assertEquals(3, answered);
        // once they timed out, the same address may start again
        connect(server);
    }

    @Test
    void theHalfOpenLimitHoldsOverall() throws Exception {
        DtlsServer server = keep(builder().maxHalfOpen(2).maxHalfOpenPerSource(100).start());
        floodFromOneAddress(server, 6);
        awaitStats(server, s -> s.refusedHalfOpen() == 4);
        assertEquals(2, server.stats().halfOpen());
    }

    @Test
    void newHandshakesPerSourceAreRateLimited() throws Exception {
        Map<DtlsServer.Refusal, AtomicInteger> heard = new ConcurrentHashMap<>();
        DtlsServer server = keep(builder().maxHalfOpenPerSource(100).handshakesPerSourcePerSecond(0.01, 4)
                .onRefused((from, why) -> heard.computeIfAbsent(why, w -> new AtomicInteger()).incrementAndGet())
                .start());
        floodFromOneAddress(server, 10);
        awaitStats(server, s -> s.refusedRateLimited() == 6);
        assertEquals(4, server.stats().halfOpen());
        awaitStats(server, st -> heard.containsKey(DtlsServer.Refusal.RATE_LIMITED)
                && heard.get(DtlsServer.Refusal.RATE_LIMITED).get() == 6);
        assertEquals(Set.of(DtlsServer.Refusal.RATE_LIMITED), heard.keySet());
    }

    /**
     * onPeerEnded hears of the sessions onPeer never sees: a handshake a forged fatal alert ended, one that timed
     * out; and of handshaken ones, whose handshake took a measured time.
     */
    @Test
    void onPeerEndedHearsOfFailedAndTimedOutHandshakesAndOfHandshakenPeers() throws Exception {
        LinkedBlockingQueue<Map.Entry<DtlsPeer, DtlsPeer.End>> ended = new LinkedBlockingQueue<>();
        CompletableFuture<DtlsPeer> handshaken = new CompletableFuture<>();
        DtlsServer server = keep(builder().handshakeTimeout(Duration.ofSeconds(3)).onPeer(handshaken::complete)
                .onPeerEnded((peer, why) -> ended.add(Map.entry(peer, why))).start());

        DatagramSocket failing = keep(new DatagramSocket(LOOPBACK));
        failing.send(new DatagramPacket(clientHello, clientHello.length, server.localAddress()));
        byte[] alert = {21, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40}; // epoch 0, fatal
        failing.send(new DatagramPacket(alert, alert.length, server.localAddress()));
        Map.Entry<DtlsPeer, DtlsPeer.End> first = ended.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(first, "no end heard");
        assertEquals(failing.getLocalSocketAddress(), first.getKey().address());
        assertEquals(DtlsPeer.End.HANDSHAKE_FAILED, first.getValue());
        assertTrue(first.getKey().failure() instanceof GioException, String.valueOf(first.getKey().failure()));
        assertEquals(null, first.getKey().handshakeDuration());
        assertEquals(DtlsPeer.End.HANDSHAKE_FAILED, first.getKey().ended().get(WAIT.toSeconds(), TimeUnit.SECONDS));

        DatagramSocket silent = keep(new DatagramSocket(LOOPBACK));
        silent.send(new DatagramPacket(clientHello, clientHello.length, server.localAddress()));
        Map.Entry<DtlsPeer, DtlsPeer.End> second = ended.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(second, "no end heard");
        assertEquals(silent.getLocalSocketAddress(), second.getKey().address());
        assertEquals(DtlsPeer.End.HANDSHAKE_TIMED_OUT, second.getValue());

        connect(server);
        DtlsPeer peer = handshaken.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(peer.handshakeDuration().toNanos() > 0, peer.handshakeDuration().toString());
        peer.close();
        Map.Entry<DtlsPeer, DtlsPeer.End> third = ended.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(third, "no end heard");
        assertEquals(Map.entry(peer, DtlsPeer.End.APPLICATION), third);
        assertEquals(List.of(), List.copyOf(ended));
        DtlsServerStats stats = server.stats();
        assertEquals(1, stats.handshakesFailed(), stats.toString());
        assertEquals(1, stats.handshakesTimedOut(), stats.toString());
    }

    @Test
    void silentPeersAreClosedAfterTheIdleTimeout() throws Exception {
        CompletableFuture<DtlsPeer> firstPeer = new CompletableFuture<>();
        DtlsServer server = keep(builder().idleTimeout(Duration.ofMillis(400)).onPeer(firstPeer::complete).start());
        Client client = connect(server);
        DtlsPeer peer = firstPeer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(DtlsPeer.End.IDLE, peer.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(-1, client.connection.receive(ByteBuffer.allocateDirect(64), WAIT));
        DtlsServerStats stats = server.stats();
        assertEquals(1, stats.closedIdle());
        assertEquals(0, stats.peers());
    }

    @Test
    void clientCertificatesAreValidatedByTheServersDatabase() throws Exception {
        CompletableFuture<DtlsPeer> firstPeer = new CompletableFuture<>();
        TlsDatabase ca = keep(TlsDatabase.fromFile(LoopbackPair.pki("ca.pem")));
        DtlsServer server = keep(builder().authenticationMode(TlsAuthenticationMode.REQUIRED).database(ca)
                .onAcceptCertificate((connection, peerCertificate, errors) -> errors.isEmpty())
                .onPeer(firstPeer::complete).start());
        UdpSocket socket = keep(UdpSocket.bind(LOOPBACK));
        socket.connect(server.localAddress());
        DtlsClientConnection connection = keep(client(socket));
        connection.setCertificate(keep(TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                LoopbackPair.pki("client-key.pem"))));
        connection.handshake(WAIT);
        DtlsPeer peer = firstPeer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(peer.connection().peerCertificateErrors().isEmpty());
        try (TlsCertificate seen = peer.connection().peerCertificate()) {
            assertEquals("CN=gdtls test client", seen.subjectName());
        }
        assertEquals(ca.handle.address(), GObjectOracle.property(peer.connection().handle.address(), "database"));
    }

    @Test
    void withoutClientAuthenticationConnectionsCarryNoDatabase() throws Exception {
        CompletableFuture<DtlsPeer> firstPeer = new CompletableFuture<>();
        DtlsServer server = keep(builder().onPeer(firstPeer::complete).start());
        connect(server);
        DtlsPeer peer = firstPeer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0L, GObjectOracle.property(peer.connection().handle.address(), "database"),
                "no system CA bundle loaded per connection");
    }

    @Test
    void servesIpv6() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        certificate = keep(TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem")));
        DtlsServer server = keep(DtlsServer.builder(v6, certificate)
                .onDatagram((peer, datagram) -> peer.connection().send(datagram)).start());
        UdpSocket socket = keep(UdpSocket.bind(v6));
        socket.connect(server.localAddress());
        DtlsClientConnection connection = keep(client(socket));
        connection.handshake(WAIT);
        assertEquals("six", new Client(socket, connection).roundTrip("six"));
    }

    @Test
    void closingWithHalfOpenPeersAndPendingAcceptsEndsEverything() throws Exception {
        DtlsServer server = keep(builder().start());
        CompletableFuture<DtlsPeer> pending = server.accept();
        floodFromOneAddress(server, 3);
        awaitStats(server, s -> s.halfOpen() == 3);
        server.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
        assertEquals(0, server.stats().peers());
        server.close(); // idempotent
        assertTrue(server.accept().isCompletedExceptionally());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private record Client(UdpSocket socket, DtlsClientConnection connection) {
        String roundTrip(String text) throws GioException {
            connection.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ByteBuffer in = ByteBuffer.allocateDirect(256);
            int n = connection.receive(in, WAIT);
            assertTrue(n >= 0, "the server closed instead of echoing");
            return StandardCharsets.UTF_8.decode(in.flip()).toString();
        }
    }

    private Client connect(DtlsServer server) throws Exception {
        UdpSocket socket = keep(UdpSocket.bind(LOOPBACK));
        socket.connect(server.localAddress());
        DtlsClientConnection connection = keep(client(socket));
        connection.handshake(WAIT);
        return new Client(socket, connection);
    }

    private static DtlsClientConnection client(UdpSocket socket) throws GioException {
        DtlsClientConnection connection = DtlsClientConnection.create(socket, "server.example.com");
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            connection.setDatabase(db);
        }
        return connection;
    }

    /** A real ClientHello: the first datagram a binding client sends to a plain socket that never answers. */
    private static byte[] firstClientHello() throws Exception {
        try (DatagramSocket sink = new DatagramSocket(LOOPBACK); MainContextPump pump = MainContextPump.start("hello");
             UdpSocket socket = UdpSocket.bind(LOOPBACK)) {
            sink.setSoTimeout((int) WAIT.toMillis());
            socket.connect((InetSocketAddress) sink.getLocalSocketAddress());
            try (DtlsClientConnection connection = client(socket)) {
                CompletableFuture<Void> handshake = connection.handshakeAsync(pump, 0, null);
                DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
                sink.receive(packet);
                handshake.cancel(true);
                byte[] hello = Arrays.copyOf(packet.getData(), packet.getLength());
                assertEquals(22, hello[0]);
                assertEquals(1, hello[13]);
                return hello;
            }
        }
    }

    /** The captured ClientHello from {@code n} sockets of 127.0.0.1, one each; the sockets stay open. */
    private List<DatagramSocket> floodFromOneAddress(DtlsServer server, int n) throws Exception {
        List<DatagramSocket> senders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DatagramSocket s = keep(new DatagramSocket(LOOPBACK));
            s.send(new DatagramPacket(clientHello, clientHello.length, server.localAddress()));
            senders.add(s);
        }
        return senders;
    }

    private static boolean hasReply(DatagramSocket s) throws Exception {
        s.setSoTimeout(200);
        try {
            s.receive(new DatagramPacket(new byte[4096], 4096));
            return true;
        } catch (SocketTimeoutException none) {
            return false;
        }
    }

    private static void assertNoReply(DatagramSocket s) throws Exception {
        assertFalse(hasReply(s), "a datagram came back");
    }

    private static void awaitStats(DtlsServer server, Predicate<DtlsServerStats> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.test(server.stats()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        DtlsServerStats stats = server.stats();
        assertTrue(done.test(stats), "not reached: " + stats);
    }

    private static <T> T assertNotNullAndGet(T value) {
        assertNotNull(value);
        return value;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.add(assertNotNullAndGet(resource));
        return resource;
    }
}
