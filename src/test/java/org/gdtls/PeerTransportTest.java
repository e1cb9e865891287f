package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PeerTransport (the glue's GdtlsPeerDatagram): many DTLS peers on one server socket, demultiplexed in Java. */
@Timeout(60)
class PeerTransportTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A demultiplexing echo server on one unconnected socket: one PeerTransport and connection per client. */
    private static final class EchoServer implements AutoCloseable {
        final UdpSocket shared;
        final Map<InetSocketAddress, PeerTransport> peers = new ConcurrentHashMap<>();
        final List<DtlsServerConnection> connections = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final ExecutorService workers = Executors.newCachedThreadPool();
        private final TlsCertificate certificate;
        private final Thread demux;
        private volatile boolean running = true;

        EchoServer() throws Exception {
            shared = UdpSocket.bind(ANY);
            certificate = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"));
            demux = new Thread(this::demultiplex, "demux");
            demux.start();
        }

        private void demultiplex() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
            while (running) {
                InetSocketAddress from;
                try {
                    from = shared.receiveFrom(buffer.clear(), Duration.ofMillis(50), null);
                } catch (IOErrorException e) {
                    if (e.code() == IOErrorEnum.TIMED_OUT) {
                        continue;
                    }
                    failures.add(e);
                    return;
                } catch (GioException e) {
                    failures.add(e);
                    return;
                }
                peers.computeIfAbsent(from, this::serve).deliver(buffer.flip());
            }
        }

        private PeerTransport serve(InetSocketAddress client) {
            PeerTransport transport = PeerTransport.create(shared, client);
            workers.submit(() -> {
                try {
                    DtlsServerConnection conn = DtlsServerConnection.create(transport, certificate);
                    connections.add(conn);
                    conn.handshake();
                    ByteBuffer message = ByteBuffer.allocateDirect(1500);
                    conn.receive(message, Duration.ofSeconds(10));
                    conn.send(message.flip());
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            return transport;
        }

        InetSocketAddress address() throws GioException {
            return shared.localAddress();
        }

        @Override
        public void close() throws Exception {
            running = false;
            demux.join(5000);
            workers.shutdown();
            workers.awaitTermination(10, TimeUnit.SECONDS);
            for (DtlsServerConnection c : connections) {
                c.close();
            }
            peers.values().forEach(PeerTransport::close);
            certificate.close();
            shared.close();
        }
    }

    private static String echo(InetSocketAddress server, String text) throws Exception {
        try (UdpSocket socket = UdpSocket.bind(ANY); TlsDatabase trust = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            socket.connect(server);
            try (DtlsClientConnection client = DtlsClientConnection.create(socket, "server.example.com")) {
                client.setDatabase(trust);
                client.handshake();
                client.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ByteBuffer reply = ByteBuffer.allocateDirect(1500);
                client.receive(reply, Duration.ofSeconds(10));
                return StandardCharsets.UTF_8.decode(reply.flip()).toString();
            }
        }
    }

    @Test
    @Covers({"gdtls_peer_datagram_new", "gdtls_peer_datagram_deliver", "g_datagram_based_receive_messages"})
    void threeClientsShareOneServerSocket() throws Exception {
        try (EchoServer server = new EchoServer()) {
            InetSocketAddress address = server.address();
            ExecutorService clients = Executors.newFixedThreadPool(3);
            List<java.util.concurrent.Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String text = "hello from client " + i;
                replies.add(clients.submit(() -> echo(address, text)));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("hello from client " + i, replies.get(i).get(30, TimeUnit.SECONDS));
            }
            clients.shutdown();
            assertEquals(3, server.peers.size());
            assertEquals(List.of(), server.failures);
            for (PeerTransport peer : server.peers.values()) {
                assertEquals(0, peer.dropped());
            }
        }
    }

    @Test
    @Covers({"gdtls_peer_datagram_deliver", "gdtls_peer_datagram_dropped", "gdtls_peer_datagram_shut"})
    void fullQueueDropsAndShutEndsTheReader() throws Exception {
        try (UdpSocket shared = UdpSocket.bind(ANY);
             PeerTransport peer = PeerTransport.create(shared, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 2);
             TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"))) {
            assertTrue(peer.deliver(ByteBuffer.wrap(new byte[] {1})));
            assertTrue(peer.deliver(ByteBuffer.allocateDirect(3)));
            ByteBuffer third = ByteBuffer.wrap(new byte[] {3});
            assertFalse(peer.deliver(third));
            assertEquals(1, peer.dropped());
            assertEquals(0, third.remaining());

            try (DtlsServerConnection conn = DtlsServerConnection.create(peer, cert)) {
                peer.shut();
                assertFalse(peer.deliver(ByteBuffer.wrap(new byte[] {4}))); // shut: refused, not counted
                assertEquals(1, peer.dropped());
                // The queued garbage is no ClientHello: the handshake fails instead of waiting, and once the queue
                // is drained the shut transport ends the reader with CLOSED rather than a 60 s give-up.
                assertThrows(GioException.class, () -> conn.handshake());
            }
        }
    }

    @Test
    void transportIsReleasedWithItsLastConnection() throws Exception {
        try (UdpSocket shared = UdpSocket.bind(ANY)) {
            PeerTransport peer = PeerTransport.create(shared, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
            long address = peer.address();
            GObjectOracle.ref(address);
            try {
                assertEquals("GdtlsPeerDatagram", GObjectOracle.typeName(address));
                DtlsServerConnection conn = DtlsServerConnection.create(peer, null);
                peer.close();
                assertEquals(2, GObjectOracle.refCount(address));
                conn.close();
                assertEquals(1, GObjectOracle.refCount(address));
                assertThrows(IllegalStateException.class, () -> peer.deliver(ByteBuffer.allocate(1)));
            } finally {
                GObjectOracle.unref(address);
            }
        }
    }

    /** The async path waits on the transport's own GSource (woken by deliver) instead of a thread. */
    @Test
    @Covers({"gdtls_peer_datagram_new", "g_datagram_based_create_source"})
    void asyncServerOnAPumpWaitsOnTheTransportsSource() throws Exception {
        try (UdpSocket shared = UdpSocket.bind(ANY); UdpSocket clientSocket = UdpSocket.bind(ANY);
             MainContextPump pump = MainContextPump.start("peer-async");
             TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"));
             PeerTransport peer = PeerTransport.create(shared, clientSocket.localAddress());
             DtlsServerConnection server = DtlsServerConnection.create(peer, cert)) {
            clientSocket.connect(shared.localAddress());
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread demux = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
                while (running.get()) {
                    try {
                        shared.receiveFrom(buffer.clear(), Duration.ofMillis(50), null);
                        peer.deliver(buffer.flip());
                    } catch (GioException timedOut) {
                        // look at the flag again
                    }
                }
            }, "demux");
            demux.setDaemon(true);
            demux.start();

            ByteBuffer received = ByteBuffer.allocateDirect(1500);
            java.util.concurrent.CompletableFuture<Integer> echoed = server.handshakeAsync(pump, 0, null)
                    .thenCompose(done -> server.receiveAsync(received, pump))
                    .thenCompose(n -> server.sendAsync(received.flip(), pump));
            try (DtlsClientConnection client = DtlsClientConnection.create(clientSocket, "server.example.com");
                 TlsDatabase trust = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                client.setDatabase(trust);
                client.handshake();
                client.send(ByteBuffer.wrap(new byte[] {9, 8, 7}));
                assertEquals(3, echoed.get(20, TimeUnit.SECONDS));
                assertEquals(3, client.receive(ByteBuffer.allocateDirect(64), Duration.ofSeconds(5)));
            }
            running.set(false);
            demux.join(5000);
        }
    }

    /** A handshake waiting for datagrams that never come is woken by its Cancellable. */
    @Test
    void cancellableWakesAReaderWaitingOnTheQueue() throws Exception {
        try (UdpSocket shared = UdpSocket.bind(ANY);
             PeerTransport peer = PeerTransport.create(shared, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
             TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"));
             DtlsServerConnection server = DtlsServerConnection.create(peer, cert);
             Cancellable cancel = new Cancellable()) {
            java.util.concurrent.CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(cancel::cancel);
            IOErrorException e = assertThrows(IOErrorException.class, () -> server.handshake(cancel));
            assertEquals(IOErrorEnum.CANCELLED, e.code());
        }
    }
}
