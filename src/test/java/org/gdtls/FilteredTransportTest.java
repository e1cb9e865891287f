package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** FilteredTransport (the glue's GdtlsFilterDatagram) under real DTLS connections. */
@Timeout(60)
class FilteredTransportTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A client over a filter, a server over its plain socket. */
    private static LoopbackPair filteredClient(UdpSocket clientSocket, UdpSocket serverSocket, FilteredTransport filter)
            throws Exception {
        serverSocket.connect(clientSocket.localAddress());
        clientSocket.connect(serverSocket.localAddress());
        DtlsServerConnection server;
        try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"))) {
            server = DtlsServerConnection.create(serverSocket, cert);
        }
        DtlsClientConnection client = DtlsClientConnection.create(filter, "server.example.com");
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            client.setDatabase(db);
        }
        return LoopbackPair.of(clientSocket, serverSocket, client, server);
    }

    @Test
    @Covers({"gdtls_filter_datagram_new", "gdtls_filter_datagram_dropped"})
    void droppedClientHelloIsResentAndTheFilterSeesEveryDatagram() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (UdpSocket clientSocket = UdpSocket.bind(ANY); UdpSocket serverSocket = UdpSocket.bind(ANY);
             FilteredTransport lossy = FilteredTransport.over(clientSocket, (direction, serial, length) -> {
                 seen.add(direction + "" + serial);
                 return !(direction == DatagramFilter.Direction.OUT && serial == 1);
             });
             LoopbackPair pair = filteredClient(clientSocket, serverSocket, lossy)) {
            pair.handshake();
            assertEquals(1, lossy.dropped(DatagramFilter.Direction.OUT));
            assertEquals(0, lossy.dropped(DatagramFilter.Direction.IN));
            assertTrue(seen.containsAll(List.of("OUT1", "OUT2", "IN1")), seen.toString());

            pair.server.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(3, pair.client.receive(ByteBuffer.allocateDirect(64), Duration.ofSeconds(5)));
        }
    }

    @Test
    @Covers({"gdtls_filter_datagram_new", "gdtls_filter_datagram_dropped"})
    void droppedIncomingDatagramIsNeverDelivered() throws Exception {
        // Drop the incoming record that carries the 100-byte application message (after the handshake).
        int[] dropLength = {-1};
        try (UdpSocket clientSocket = UdpSocket.bind(ANY); UdpSocket serverSocket = UdpSocket.bind(ANY);
             FilteredTransport lossy = FilteredTransport.over(clientSocket,
                     (direction, serial, length) -> !(direction == DatagramFilter.Direction.IN && length == dropLength[0]));
             LoopbackPair pair = filteredClient(clientSocket, serverSocket, lossy)) {
            pair.handshake();
            dropLength[0] = 100 + 37; // AES-GCM record: 13-byte header + 8-byte explicit nonce + 16-byte tag
            pair.server.send(ByteBuffer.allocateDirect(100));
            pair.server.send(ByteBuffer.allocateDirect(7));
            assertEquals(7, pair.client.receive(ByteBuffer.allocateDirect(2048), Duration.ofSeconds(5)));
            assertEquals(1, lossy.dropped(DatagramFilter.Direction.IN));
            IOErrorException nothing = assertThrows(IOErrorException.class,
                    () -> pair.client.receive(ByteBuffer.allocateDirect(2048), Duration.ZERO));
            assertEquals(IOErrorEnum.WOULD_BLOCK, nothing.code());
        }
    }

    @Test
    void throwingFilterKeepsTheDatagramAndIsReported() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Gdtls.setCallbackExceptionHandler((where, t) -> reported.add(t));
        try (UdpSocket clientSocket = UdpSocket.bind(ANY); UdpSocket serverSocket = UdpSocket.bind(ANY);
             FilteredTransport broken = FilteredTransport.over(clientSocket, (direction, serial, length) -> {
                 throw new IllegalStateException("filter bug");
             });
             LoopbackPair pair = filteredClient(clientSocket, serverSocket, broken)) {
            pair.handshake();
            assertEquals(0, broken.dropped(DatagramFilter.Direction.OUT));
            assertTrue(reported.stream().anyMatch(t -> "filter bug".equals(t.getMessage())));
        } finally {
            Gdtls.setCallbackExceptionHandler(null);
        }
    }

    @Test
    void filterObjectIsFinalizedOnceItsConnectionsAndWrapperAreClosed() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(ANY)) {
            FilteredTransport filter = FilteredTransport.over(socket, (d, s, l) -> true);
            long address = filter.address();
            GObjectOracle.ref(address);
            try {
                assertEquals("GdtlsFilterDatagram", GObjectOracle.typeName(address));
                DtlsClientConnection conn = DtlsClientConnection.create(filter, "server.example.com");
                filter.close(); // the connection keeps the GObject
                assertEquals(2, GObjectOracle.refCount(address));
                conn.close();
                assertEquals(1, GObjectOracle.refCount(address));
            } finally {
                GObjectOracle.unref(address); // finalizes it; its finalize releases the filter's registry handle
            }
        }
    }
}
