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

    /** A pair the caller assembled itself (e.g. over a FilteredTransport); closing it closes all four. */
    static LoopbackPair of(UdpSocket clientSocket, UdpSocket serverSocket, DtlsClientConnection client,
                           DtlsServerConnection server) {
        return new LoopbackPair(clientSocket, serverSocket, client, server);
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
        try (TlsCertificate cert = serverCert == null ? null
                : TlsCertificate.fromFiles(pki(serverCert), pki(serverKey))) {
            return createWith(cert); // the server connection holds its own reference on the certificate
        }
    }

    /** Server with a certificate object the caller made (e.g. from a PKCS#11 token), or none. */
    static LoopbackPair createWith(TlsCertificate serverCert) throws GioException {
        return createWith(serverCert, true, "server.example.com");
    }

    /**
     * As {@link #createWith(TlsCertificate)}, with the client's server identity; unless {@code connectClient},
     * the client's socket has no peer.
     */
    static LoopbackPair createWith(TlsCertificate serverCert, boolean connectClient, String clientIdentity)
            throws GioException {
        UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpSocket clientSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        serverSocket.connect(clientSocket.localAddress());
        if (connectClient) {
            clientSocket.connect(serverSocket.localAddress());
        }
        DtlsServerConnection server = DtlsServerConnection.create(serverSocket, serverCert);
        DtlsClientConnection client = DtlsClientConnection.create(clientSocket, clientIdentity);
        try (TlsDatabase db = TlsDatabase.fromFile(pki("ca.pem"))) {
            client.setDatabase(db);
        }
        return new LoopbackPair(clientSocket, serverSocket, client, server);
    }

    static LoopbackPair create() throws GioException {
        return create("server.pem", "server-key.pem");
    }

    /** What each side's handshake ended with: null for success. */
    record Outcome(Exception client, Exception server) {}

    /**
     * Runs both handshakes at once (the server's on another thread). Bounded: a stuck server handshake is
     * reported as a failure instead of hanging the test.
     */
    Outcome handshakeBoth() throws InterruptedException {
        try (Cancellable clientCancel = new Cancellable(); Cancellable serverCancel = new Cancellable()) {
            // When one side fails the other would wait for its 60 s give-up timer: cancel it instead.
            CompletableFuture<Exception> serverSide = CompletableFuture.supplyAsync(() -> {
                try {
                    server.handshake(serverCancel);
                    return null;
                } catch (Exception e) {
                    clientCancel.cancel();
                    return e;
                }
            }, TestThreads.BLOCKING);
            Exception clientFailure = null;
            try {
                client.handshake(clientCancel);
            } catch (Exception e) {
                clientFailure = e;
                serverCancel.cancel();
            }
            try {
                return new Outcome(clientFailure, serverSide.get(30, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                return new Outcome(clientFailure, e);
            }
        }
    }

    /** Both handshakes must succeed. */
    void handshake() throws Exception {
        Outcome outcome = handshakeBoth();
        if (outcome.client() != null) {
            throw outcome.client();
        }
        if (outcome.server() != null) {
            throw outcome.server();
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
