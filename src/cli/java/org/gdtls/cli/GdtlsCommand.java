package org.gdtls.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.gdtls.Cancellable;
import org.gdtls.DtlsClientConnection;
import org.gdtls.DtlsServerConnection;
import org.gdtls.Gdtls;
import org.gdtls.GioException;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;

/**
 * The {@code gdtls} command, Main-Class of the {@code -cli} jar (it is not in the library jar): {@code gdtls demo}
 * runs a loopback DTLS client and server. It uses only the public API of {@code org.gdtls}.
 */
public final class GdtlsCommand {
    private static final String USAGE = String.join("\n",
            "usage: gdtls demo [--pki DIR] [--count N] [--alpn a,b]",
            "       gdtls help",
            "",
            "  demo   DTLS handshake and echo between a client and a server in this process, over loopback UDP",
            "         --pki DIR   directory with ca.pem, server.pem, server-key.pem",
            "                     (default src/test/resources/org/gdtls/pki, relative to the current directory)",
            "         --count N   number of 64-byte echo messages (default 20)",
            "         --alpn a,b  ALPN protocols offered by both sides (default gdtls-demo/1)");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MESSAGE_SIZE = 64;

    private GdtlsCommand() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        switch (command) {
            case "help", "--help", "-h" -> System.out.println(USAGE);
            case "demo" -> System.exit(demo(Arrays.copyOfRange(args, 1, args.length)));
            default -> {
                System.err.println(command.isEmpty() ? "gdtls: no command" : "gdtls: unknown command: " + command);
                System.err.println(USAGE);
                System.exit(2);
            }
        }
    }

    private static int demo(String[] args) {
        Path pki = Path.of("src/test/resources/org/gdtls/pki");
        int count = 20;
        List<String> alpn = List.of("gdtls-demo/1");
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--pki" -> pki = Path.of(args[i + 1]);
                    case "--count" -> count = Integer.parseInt(args[i + 1]);
                    case "--alpn" -> alpn = List.of(args[i + 1].split(","));
                    default -> throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
            if (count < 1) {
                throw new NumberFormatException();
            }
        } catch (IllegalArgumentException e) {
            boolean badCount = e instanceof NumberFormatException;
            System.err.println("gdtls demo: " + (badCount ? "--count needs a positive integer" : e.getMessage()));
            System.err.println(USAGE);
            return 2;
        }
        Path dir = pki;
        if (!Stream.of("ca.pem", "server.pem", "server-key.pem").allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
            System.err.println("gdtls demo: no test PKI (ca.pem, server.pem, server-key.pem) in " + dir.toAbsolutePath()
                    + "; run from the repository root or pass --pki DIR");
            return 1;
        }
        try {
            runDemo(pki, count, alpn);
            return 0;
        } catch (Exception e) {
            System.err.println("gdtls demo failed: " + e);
            return 1;
        }
    }

    private static void runDemo(Path pki, int count, List<String> alpn) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UdpSocket serverSocket = UdpSocket.bind(loopback);
             UdpSocket clientSocket = UdpSocket.bind(loopback);
             TlsCertificate serverCert = TlsCertificate.fromFiles(pki.resolve("server.pem"), pki.resolve("server-key.pem"));
             TlsDatabase trust = TlsDatabase.fromFile(pki.resolve("ca.pem"))) {
            // The DTLS backend sends without an address, so each socket is connected to its one peer.
            serverSocket.connect(clientSocket.localAddress());
            clientSocket.connect(serverSocket.localAddress());

            DtlsServerConnection server = DtlsServerConnection.create(serverSocket, serverCert);
            CompletableFuture<Void> serverTask = CompletableFuture.completedFuture(null);
            try (Cancellable serverCancel = new Cancellable();
                 DtlsClientConnection client = DtlsClientConnection.create(clientSocket, "server.example.com")) {
                client.setDatabase(trust);
                server.setAdvertisedProtocols(alpn);
                client.setAdvertisedProtocols(alpn);
                boolean[] hookCalled = {false};
                // Only runs if validation finds a problem; refusing keeps the demo honest about the PKI.
                client.onAcceptCertificate((conn, cert, errors) -> {
                    hookCalled[0] = true;
                    System.out.println("accept-certificate called with errors " + errors + ": refusing");
                    return false;
                });

                // Both handshakes block until the other side answers, so the server's runs on its own thread.
                serverTask = runAsync("gdtls-server-handshake", () -> server.handshake(serverCancel));
                long start = System.nanoTime();
                try {
                    client.handshake();
                } catch (GioException e) {
                    serverCancel.cancel(); // or the server would wait 60 s for a client that gave up
                    throw e;
                }
                await(serverTask);
                double handshakeMs = (System.nanoTime() - start) / 1e6;

                var peerErrors = client.peerCertificateErrors();
                print("tls backend", Gdtls.tlsBackendName());
                print("protocol", client.protocolVersion());
                print("ciphersuite", client.ciphersuiteName());
                print("alpn", Objects.requireNonNullElse(client.negotiatedProtocol(), "(none)"));
                try (TlsCertificate peer = client.peerCertificate()) { // holds its own reference: close it
                    print("peer subject", peer.subjectName());
                    print("peer issuer", peer.issuerName());
                }
                print("peer errors", peerErrors.isEmpty() ? "none" : peerErrors);
                print("accept hook", hookCalled[0] ? "called" : "not called (the CA database validated the server)");
                print("handshake", String.format("%.1f ms", handshakeMs));

                // The server echoes until the client's close_notify ends its stream (receive returns -1).
                serverTask = runAsync("gdtls-server-echo", () -> {
                    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                    while (server.receive(buf.clear(), TIMEOUT) != -1) {
                        server.send(buf.flip());
                    }
                });
                long[] rttMicros = echo(client, count);
                print("echo", count + " x " + MESSAGE_SIZE + " bytes, all verified");
                print("rtt (us)", String.format("min %d / median %d / p90 %d / max %d", rttMicros[0],
                        percentile(rttMicros, 50), percentile(rttMicros, 90), rttMicros[count - 1]));

                client.close(); // sends close_notify, which ends the server's echo loop
                await(serverTask);
            } finally {
                try {
                    serverTask.exceptionally(t -> null).get(); // a cancelled handshake ends within about 1 s
                } finally {
                    server.close();
                }
            }
        }
    }

    /** Sends random 64-byte messages one at a time, checks each echo; returns the sorted RTTs in microseconds. */
    private static long[] echo(DtlsClientConnection client, int count) throws GioException {
        long[] rttMicros = new long[count];
        Random random = new Random();
        byte[] payload = new byte[MESSAGE_SIZE];
        ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE_SIZE);
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        for (int i = 0; i < count; i++) {
            random.nextBytes(payload);
            out.clear().put(payload).flip();
            long t0 = System.nanoTime();
            client.send(out);
            int n = client.receive(in.clear(), TIMEOUT);
            rttMicros[i] = (System.nanoTime() - t0) / 1000;
            if (n != MESSAGE_SIZE || !in.flip().equals(ByteBuffer.wrap(payload))) {
                throw new IllegalStateException("echo " + i + " differs from what was sent (" + n + " bytes)");
            }
        }
        Arrays.sort(rttMicros);
        return rttMicros;
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, int p) {
        return sorted[Math.max((int) Math.ceil(p / 100.0 * sorted.length), 1) - 1];
    }

    /** Waits for a task and rethrows its own exception, not the ExecutionException wrapper. */
    private static void await(CompletableFuture<Void> task) throws Exception {
        try {
            task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static void print(String key, Object value) {
        System.out.printf("%-13s %s%n", key + ":", value);
    }

    private interface IoTask { void run() throws Exception; }

    /** Runs a task on a named thread; {@link #await} rethrows its failure. */
    private static CompletableFuture<Void> runAsync(String name, IoTask task) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                task.run();
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true); // a stuck peer must not keep the JVM alive after main reports the failure
        thread.start();
        return result;
    }
}
