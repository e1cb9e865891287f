package org.gdtls.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.gdtls.DtlsClientConnection;
import org.gdtls.DtlsServerConnection;
import org.gdtls.GioException;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;

/**
 * The binding's side of native/bench/bench_loopback.h: two UDP sockets on 127.0.0.1 connected to each other,
 * a DTLS server (server.pem + key) and a client trusting ca.pem with identity server.example.com.
 */
final class BindingPair implements AutoCloseable {
    final UdpSocket clientSocket;
    final UdpSocket serverSocket;
    final DtlsClientConnection client;
    final DtlsServerConnection server;

    /** The certificate and trust anchors, loaded once and shared by every pair (as in the C baselines). */
    static final class Pki implements AutoCloseable {
        final TlsCertificate serverCert;
        final TlsDatabase trust;

        Pki() throws GioException {
            serverCert = TlsCertificate.fromFiles(BenchPki.file("server.pem"), BenchPki.file("server-key.pem"));
            trust = TlsDatabase.fromFile(BenchPki.file("ca.pem"));
        }

        @Override
        public void close() {
            serverCert.close();
            trust.close();
        }
    }

    BindingPair(Pki pki) throws GioException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        serverSocket = UdpSocket.bind(loopback);
        clientSocket = UdpSocket.bind(loopback);
        serverSocket.connect(clientSocket.localAddress());
        clientSocket.connect(serverSocket.localAddress());
        server = DtlsServerConnection.create(serverSocket, pki.serverCert);
        client = DtlsClientConnection.create(clientSocket, BenchPki.SERVER_IDENTITY);
        client.setDatabase(pki.trust);
    }

    /** A new pair over {@code pki}, handshaken (the setup of every benchmark that measures an open connection). */
    static BindingPair handshaken(Pki pki) throws Exception {
        BindingPair pair = new BindingPair(pki);
        ExecutorService serverThread = Executors.newSingleThreadExecutor();
        try {
            pair.handshake(serverThread);
        } finally {
            serverThread.shutdown();
        }
        return pair;
    }

    /** Both sync handshakes at once: the server's on {@code serverThread}, the client's on this thread. */
    void handshake(ExecutorService serverThread) throws Exception {
        Future<?> serverSide = serverThread.submit(() -> {
            server.handshake();
            return null;
        });
        client.handshake();
        serverSide.get(2, TimeUnit.MINUTES); // only bounds a broken run
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.close();
        clientSocket.close();
        serverSocket.close();
    }
}
