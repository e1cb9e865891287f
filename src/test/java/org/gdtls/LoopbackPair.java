package org.gdtls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Two UDP sockets on 127.0.0.1 connected to each other, with a DTLS client and server over them. */
final class LoopbackPair implements AutoCloseable {
    final UdpSocket clientSocket;
    final UdpSocket serverSocket;
    final DtlsClientConnection client;
    final DtlsServerConnection server;

    private LoopbackPair(UdpSocket clientSocket, UdpSocket serverSocket, DtlsClientConnection client,
                         DtlsServerConnection server) {
        this.clientSocket = clientSocket;
        this.serverSocket = serverSocket;
        this.client = client;
        this.server = server;
    }

    static Path pki(String name) {
        try {
            return Path.of(LoopbackPair.class.getResource("/org/gdtls/pki/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Server with {@code serverCert} (+ key); client trusting the test root CA, identity server.example.com. */
    static LoopbackPair create(String serverCert, String serverKey) throws GioException {
        UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpSocket clientSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        serverSocket.connect(clientSocket.localAddress());
        clientSocket.connect(serverSocket.localAddress());
        DtlsServerConnection server;
        try (TlsCertificate cert = serverCert == null ? null
                : TlsCertificate.fromFiles(pki(serverCert), pki(serverKey))) {
            server = DtlsServerConnection.create(serverSocket, cert);
        }
        DtlsClientConnection client = DtlsClientConnection.create(clientSocket, "server.example.com");
        try (TlsDatabase db = TlsDatabase.fromFile(pki("ca.pem"))) {
            client.setDatabase(db);
        }
        return new LoopbackPair(clientSocket, serverSocket, client, server);
    }

    static LoopbackPair create() throws GioException {
        return create("server.pem", "server-key.pem");
    }

    /**
     * Runs both handshakes (the server's on another thread) and returns the server's outcome; the client's
     * failure is thrown. Bounded: a stuck handshake fails the test instead of hanging it.
     */
    void handshake() throws Exception {
        CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
            try {
                server.handshake();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try {
            client.handshake();
        } finally {
            try {
                serverSide.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            } catch (TimeoutException e) {
                throw new AssertionError("server handshake did not finish", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            try {
                server.close();
            } finally {
                clientSocket.close();
                serverSocket.close();
            }
        }
    }
}
