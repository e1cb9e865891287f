package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CustomTransport: DTLS over a carrier written in Java; here, memory. */
@Timeout(60)
class CustomTransportTest {

    /** A client and a server whose transports hand datagrams to each other directly, no socket involved. */
    private record MemoryPair(CustomTransport clientEnd, CustomTransport serverEnd, DtlsClientConnection client,
                              DtlsServerConnection server) implements AutoCloseable {
        static MemoryPair create(DatagramSink clientSinkWrapper) throws Exception {
            CustomTransport[] ends = new CustomTransport[2];
            DatagramSink toServer = datagram -> ends[1].deliver(datagram);
            ends[0] = CustomTransport.create(clientSinkWrapper == null ? toServer
                    : datagram -> { clientSinkWrapper.send(datagram.duplicate()); toServer.send(datagram); });
            ends[1] = CustomTransport.create(datagram -> ends[0].deliver(datagram));
            DtlsServerConnection server;
            try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"))) {
                server = DtlsServerConnection.create(ends[1], cert);
            }
            DtlsClientConnection client = DtlsClientConnection.create(ends[0], "server.example.com");
            try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                client.setDatabase(db);
            }
            return new MemoryPair(ends[0], ends[1], client, server);
        }

        void handshake() throws Exception {
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try {
                    server.handshake();
                } catch (GioException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, TestThreads.BLOCKING);
            client.handshake();
            serverSide.get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.close();
            clientEnd.close();
            serverEnd.close();
        }
    }

    @Test
    @Covers({"gdtls_peer_datagram_new_with_sender", "gdtls_peer_datagram_deliver"})
    void wholeDtlsSessionInMemory() throws Exception {
        AtomicInteger clientDatagrams = new AtomicInteger();
        try (MemoryPair pair = MemoryPair.create(datagram -> clientDatagrams.incrementAndGet())) {
            pair.handshake();
            assertEquals(ProtocolVersion.DTLS_1_2, pair.client().protocolVersion());
            try (TlsCertificate peer = pair.client().peerCertificate()) {
                assertNotNull(peer);
            }
            pair.client().send(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
            assertEquals(4, pair.server().receive(ByteBuffer.allocateDirect(64), Duration.ofSeconds(5)));
            pair.server().send(ByteBuffer.wrap(new byte[] {5, 6}));
            assertEquals(2, pair.client().receive(ByteBuffer.allocateDirect(64), Duration.ofSeconds(5)));
            assertTrue(clientDatagrams.get() >= 3, "ClientHello, the second flight and one record at least");
            assertEquals(0, pair.clientEnd().dropped());
        }
    }

    @Test
    void sinkFailureFailsTheSendWithItsCode() throws Exception {
        boolean[] failing = {false};
        try (MemoryPair pair = MemoryPair.create(datagram -> {
            if (failing[0]) {
                throw new IOErrorException(IOErrorEnum.HOST_UNREACHABLE.code(), "carrier is down");
            }
        })) {
            pair.handshake();
            failing[0] = true;
            IOErrorException e = assertThrows(IOErrorException.class, () -> pair.client().send(ByteBuffer.allocateDirect(8)));
            assertEquals(IOErrorEnum.HOST_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("carrier is down"), e.getMessage());
            failing[0] = false; // so that close can send its close_notify
        }
    }

    @Test
    void plainExceptionBecomesFailed() throws Exception {
        boolean[] failing = {false};
        try (MemoryPair pair = MemoryPair.create(datagram -> {
            if (failing[0]) {
                throw new IllegalStateException("sink bug");
            }
        })) {
            pair.handshake();
            failing[0] = true;
            IOErrorException e = assertThrows(IOErrorException.class, () -> pair.client().send(ByteBuffer.allocateDirect(8)));
            assertEquals(IOErrorEnum.FAILED, e.code());
            assertTrue(e.getMessage().contains("sink bug"), e.getMessage());
            failing[0] = false;
        }
    }

    @Test
    void customTransportIsReleasedWithItsLastConnection() throws Exception {
        CustomTransport end = CustomTransport.create(datagram -> { });
        long address = end.address();
        GObjectOracle.ref(address);
        try {
            DtlsClientConnection conn = DtlsClientConnection.create(end, "server.example.com");
            end.close();
            assertEquals(2, GObjectOracle.refCount(address));
            conn.close();
            assertEquals(1, GObjectOracle.refCount(address));
        } finally {
            GObjectOracle.unref(address);
        }
    }
}
