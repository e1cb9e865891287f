package org.gdtls;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One client+server pair over connected loopback sockets, each GObject also referenced by the oracle. */
final class OraclePair {
    final UdpSocket clientSocket;
    final UdpSocket serverSocket;
    final DtlsServerConnection server;
    final DtlsClientConnection client;
    final long[] addresses;

    OraclePair(TlsCertificate cert, TlsDatabase trust) throws GioException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        serverSocket = UdpSocket.bind(loopback);
        clientSocket = UdpSocket.bind(loopback);
        serverSocket.connect(clientSocket.localAddress());
        clientSocket.connect(serverSocket.localAddress());
        server = DtlsServerConnection.create(serverSocket, cert);
        client = DtlsClientConnection.create(clientSocket, "server.example.com");
        client.setDatabase(trust);
        // Connections first: each holds a reference on its base socket until it is finalized.
        addresses = new long[] {client.handle.address(), server.handle.address(), clientSocket.handle.address(),
                serverSocket.handle.address()};
        for (long address : addresses) {
            GObjectOracle.ref(address);
        }
    }

    /** Starts every pair's two handshakes at once on {@code pump} (each waits ~300 ms in the backend). */
    static void handshakeAll(List<OraclePair> pairs, MainContextPump pump) throws Exception {
        CompletableFuture<?>[] handshakes = new CompletableFuture<?>[2 * pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            handshakes[2 * i] = pairs.get(i).server.handshakeAsync(pump, 0, null);
            handshakes[2 * i + 1] = pairs.get(i).client.handshakeAsync(pump, 0, null);
        }
        CompletableFuture.allOf(handshakes).get(5, TimeUnit.MINUTES);
    }

    void close() throws GioException {
        client.close();
        server.close();
        clientSocket.close();
        serverSocket.close();
    }

    /** After {@link #close()}: each of the four GObjects counted in {@code live} unless finalized. */
    void checkReleased(LiveGObjects live) throws InterruptedException {
        for (long address : addresses) {
            live.checkLastReference(address);
        }
    }
}
