package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's usage example, compiled and run; and a check that the README still shows this exact code. */
@Timeout(60)
class ReadmeExampleTest {

    @Test
    void exampleRuns() throws Exception {
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 4433))) {
                socket.connect(new InetSocketAddress("127.0.0.1", 4434));
                try (TlsCertificate cert = TlsCertificate.fromFiles(pki.resolve("server.pem"), pki.resolve("server-key.pem"));
                     DtlsServerConnection conn = DtlsServerConnection.create(socket, cert)) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(1500);
                    conn.receive(buf, Duration.ofSeconds(10));
                    conn.send(buf.flip());
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, TestThreads.BLOCKING);
        String reply = example(pki);
        server.get();
        assertEquals("hello", reply);
    }

    static String example(Path pki) throws Exception {
        // README-BEGIN
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 4434));
             TlsDatabase trust = TlsDatabase.fromFile(pki.resolve("ca.pem"))) {
            socket.connect(new InetSocketAddress("127.0.0.1", 4433));
            try (DtlsClientConnection conn = DtlsClientConnection.create(socket, "server.example.com")) {
                conn.setDatabase(trust);
                conn.onAcceptCertificate((c, cert, errors) -> false); // refuse anything the CA does not vouch for
                conn.handshake(Duration.ofSeconds(10)); // bounded: against a silent server GIO gives up after 60 s
                System.out.println(conn.protocolVersion() + " " + conn.ciphersuiteName());

                conn.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer reply = ByteBuffer.allocateDirect(1500);
                conn.receive(reply, Duration.ofSeconds(5));
                return StandardCharsets.UTF_8.decode(reply.flip()).toString();
            }
        }
        // README-END
    }

    @Test
    void asyncExampleRuns() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            CompletableFuture<Void> server = pair.server.handshakeAsync();
            ByteBuffer buffer = ByteBuffer.allocateDirect(1500);
            CompletableFuture<Integer> n = asyncExample(pair.client, buffer);
            server.join();
            pair.server.send(ByteBuffer.wrap(new byte[] {42}));
            assertEquals(1, n.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    static CompletableFuture<Integer> asyncExample(DtlsConnection conn, ByteBuffer buffer) {
        // README-BEGIN
        MainContextPump pump = MainContextPump.start("dtls");
        CompletableFuture<Void> done = conn.handshakeAsync(pump, 0, null);   // g_dtls_connection_handshake_async
        done.orTimeout(10, TimeUnit.SECONDS).join();                          // cancel(true) cancels the GCancellable
        CompletableFuture<Integer> n = conn.receiveAsync(buffer, pump);        // waits on a datagram source, no blocked thread
        // README-END
        return n.whenComplete((r, t) -> pump.close());
    }

    @Test
    void inMemoryExampleRuns() throws Exception {
        InMemory session = inMemoryExample();
        try (CustomTransport clientEnd = session.ends()[0]; CustomTransport serverEnd = session.ends()[1];
             DtlsClientConnection client = session.client();
             TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"));
             DtlsServerConnection server = DtlsServerConnection.create(serverEnd, cert);
             TlsDatabase trust = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            client.setDatabase(trust);
            CompletableFuture<Void> serverSide = server.handshakeAsync();
            client.handshake();
            serverSide.get(10, TimeUnit.SECONDS);
            client.send(ByteBuffer.wrap(new byte[] {7}));
            assertEquals(1, server.receive(ByteBuffer.allocateDirect(64), Duration.ofSeconds(5)));
        }
    }

    record InMemory(CustomTransport[] ends, DtlsClientConnection client) {}

    static InMemory inMemoryExample() throws GioException {
        // README-BEGIN
        CustomTransport[] ends = new CustomTransport[2];
        ends[0] = CustomTransport.create(datagram -> ends[1].deliver(datagram));
        ends[1] = CustomTransport.create(datagram -> ends[0].deliver(datagram));
        DtlsClientConnection client = DtlsClientConnection.create(ends[0], "server.example.com");
        // README-END
        return new InMemory(ends, client);
    }

    /** The server requires a client certificate, which the client's interaction answers a second later. */
    @Test
    void javaTrustExampleRuns() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate ca = TlsCertificate.fromFile(LoopbackPair.pki("ca.pem"));
             TlsCertificate clientCertificate = TlsCertificate.fromFiles(LoopbackPair.pki("client.pem"),
                     LoopbackPair.pki("client-key.pem"))) {
            pair.server.setAuthenticationMode(TlsAuthenticationMode.REQUIRED);
            pair.server.onAcceptCertificate((c, peer, errors) -> true);
            AsyncTlsInteraction interaction = javaTrustExample(pair.client, ca.toX509(), clientCertificate);
            try (interaction) {
                assertEquals(null, pair.handshakeBoth().client());
                try (TlsCertificate seen = pair.server.peerCertificate()) {
                    assertEquals("CN=gdtls test client", seen.subjectName());
                }
            }
        }
    }

    static AsyncTlsInteraction javaTrustExample(DtlsClientConnection client, X509Certificate caCertificate,
                                                TlsCertificate clientCertificate) throws Exception {
        // README-BEGIN
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", caCertificate);      // an X509Certificate, e.g. from a trust store file
        try (TlsDatabase trust = TlsDatabase.fromKeyStore(anchors)) {
            client.setDatabase(trust);                          // the connection keeps it: closing the wrapper is fine
        }
        AsyncTlsInteraction interaction = new AsyncTlsInteraction() {
            @Override
            protected CompletableFuture<TlsCertificate> requestCertificateAsync(DtlsConnection connection) {
                // e.g. a dialog; here a second later, on another thread; the handshake waits
                return CompletableFuture.supplyAsync(() -> clientCertificate,
                        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
            }
        };
        client.setInteraction(interaction);
        // README-END
        return interaction;
    }

    @Test
    void dtlsServerExampleRuns() throws Exception {
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        try (TlsCertificate certificate = TlsCertificate.fromFiles(pki.resolve("server.pem"),
                pki.resolve("server-key.pem"))) {
            // README-BEGIN
            try (DtlsServer server = DtlsServer.builder(new InetSocketAddress(5684), certificate)
                    .maxPeers(10_000).maxHalfOpen(256).maxHalfOpenPerSource(16)   // what a stranger can make it do
                    .handshakeTimeout(Duration.ofSeconds(10)).idleTimeout(Duration.ofMinutes(5))
                    .onDatagram((peer, datagram) -> peer.connection().send(datagram)) // echo, on the pump's thread
                    .start()) {
                serveUntilShutdown(server);             // without onDatagram: server.accept() or onPeer, then read yourself
                DtlsServerStats stats = server.stats(); // peers, half-open, handshakes, every drop and refusal by reason
                // README-END
                assertEquals(1, stats.handshakesSucceeded());
            }
        }
    }

    /** Stands in for the application's life: one client, one datagram echoed. */
    private static void serveUntilShutdown(DtlsServer server) throws Exception {
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0));
             TlsDatabase ca = TlsDatabase.fromFile(pki.resolve("ca.pem"))) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
            try (DtlsClientConnection client = DtlsClientConnection.create(socket, "server.example.com")) {
                client.setDatabase(ca);
                client.handshake(Duration.ofSeconds(10));
                client.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer reply = ByteBuffer.allocateDirect(64);
                assertEquals(5, client.receive(reply, Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void readmeShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/org/gdtls/ReadmeExampleTest.java"));
        String readme = Files.readString(Path.of("README.md"));
        // Blocks between comment lines "README-BEGIN" and "README-END" (whole lines, so this code is no block).
        java.util.regex.Matcher block = java.util.regex.Pattern
                .compile("(?ms)^\\s*// README-BEGIN$(.*?)^\\s*// README-END$").matcher(source);
        int blocks = 0;
        while (block.find()) {
            blocks++;
            List<String> lines = block.group(1).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            for (String line : lines) {
                assertTrue(readme.contains(line), "README.md lacks the example line: " + line);
            }
        }
        assertEquals(5, blocks);
    }
}
