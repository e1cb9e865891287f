package org.gdtls.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.gdtls.Cancellable;
import org.gdtls.DtlsClientConnection;
import org.gdtls.DtlsServerConnection;
import org.gdtls.Gdtls;
import org.gdtls.GioException;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gdtls demo}: a loopback DTLS client and server in one process, a handshake and an echo. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "a loopback client and server in this process: handshake and echo",
        description = {"DTLS handshake and echo between a client and a server in this process, over loopback UDP.",
                "Without --pki, the demo's own PKI (carried in the jar, test material) is used."})
final class DemoCommand implements Callable<Integer> {
    private static final List<String> PKI_FILES = List.of("ca.pem", "server.pem", "server-key.pem");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MESSAGE_SIZE = 64;

    @Spec
    private CommandSpec spec;

    @Option(names = "--pki", paramLabel = "DIR", description = "directory with ca.pem, server.pem, server-key.pem")
    private Path pki;

    @Option(names = "--count", paramLabel = "N", defaultValue = "20",
            description = "number of 64-byte echo messages (default ${DEFAULT-VALUE})")
    private int count;

    @Option(names = "--alpn", paramLabel = "a,b", split = ",", hideParamSyntax = true, defaultValue = "gdtls-demo/1",
            description = "ALPN protocols offered by both sides (default ${DEFAULT-VALUE})")
    private List<String> alpn;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count needs a positive integer");
        }
        if (pki != null) {
            Path dir = pki;
            if (!PKI_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
                throw new ParameterException(spec.commandLine(), "--pki " + dir.toAbsolutePath() + " lacks one of "
                        + String.join(", ", PKI_FILES));
            }
            runDemo(dir);
            return GdtlsCommand.OK;
        }
        Path dir = extractPki();
        try {
            runDemo(dir);
        } finally {
            for (String file : PKI_FILES) {
                Files.deleteIfExists(dir.resolve(file));
            }
            Files.deleteIfExists(dir);
        }
        return GdtlsCommand.OK;
    }

    /** The demo PKI from the command's resources (org/gdtls/cli/pki) into a new temporary directory. */
    private static Path extractPki() throws IOException {
        Path dir = Files.createTempDirectory("gdtls-demo-pki");
        for (String file : PKI_FILES) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("pki/" + file)) {
                if (in == null) {
                    throw new IOException("the command's resources lack pki/" + file + ": a broken build?");
                }
                Files.copy(in, dir.resolve(file));
            }
        }
        return dir;
    }

    private void runDemo(Path pki) throws Exception {
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
