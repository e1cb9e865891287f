package org.gdtls.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.gdtls.DtlsClientConnection;
import org.gdtls.DtlsServerConnection;
import org.gdtls.GioException;
import org.gdtls.MainContextPump;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Concurrent handshakes: {@link #pairs} client+server pairs over UDP loopback sockets connected to each other,
 * all on ONE {@link MainContextPump}; every handshake is started with {@code handshakeAsync} at once and the
 * time until all {@code 2 * pairs} futures completed is measured (one shot per iteration). A pair counts as
 * one handshake: handshakes/s = pairs / time. Creating and closing the connections is not measured.
 *
 * <p>Each start goes through {@code pump.execute} ({@code g_main_context_invoke}) and each completion through
 * the glue trampoline, as in {@link PumpDispatchBenchmark}. The handshake itself runs on GIO's GTask worker
 * threads, where GnuTLS in blocking DTLS mode sleeps ~300 ms per handshake: the backend, not the binding, sets
 * the pace. The C baseline ({@code native/bench/bench_handshakes.c}) runs the same scenario on libgio.
 *
 * <p>Same setup as the tests' LoopbackPair (copied, so the benchmarks do not depend on test classes): server
 * with {@code server.pem}/{@code server-key.pem}, client trusting {@code ca.pem}, identity server.example.com.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ConcurrentHandshakesBenchmark {
    private static final String SERVER_IDENTITY = "server.example.com";

    @Param("128")
    public int pairs;

    private MainContextPump pump;
    private TlsCertificate serverCert;
    private TlsDatabase trust;
    private UdpSocket[] clientSockets;
    private UdpSocket[] serverSockets;
    private DtlsClientConnection[] clients;
    private DtlsServerConnection[] servers;

    @Setup(Level.Trial)
    public void startPump() throws GioException {
        pump = MainContextPump.start("bench-handshakes");
        serverCert = TlsCertificate.fromFiles(BenchPki.file("server.pem"), BenchPki.file("server-key.pem"));
        trust = TlsDatabase.fromFile(BenchPki.file("ca.pem"));
    }

    @TearDown(Level.Trial)
    public void stopPump() {
        pump.close();
        serverCert.close();
        trust.close();
    }

    @Setup(Level.Invocation)
    public void createPairs() throws GioException {
        clientSockets = new UdpSocket[pairs];
        serverSockets = new UdpSocket[pairs];
        clients = new DtlsClientConnection[pairs];
        servers = new DtlsServerConnection[pairs];
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (int i = 0; i < pairs; i++) {
            serverSockets[i] = UdpSocket.bind(loopback);
            clientSockets[i] = UdpSocket.bind(loopback);
            serverSockets[i].connect(clientSockets[i].localAddress());
            clientSockets[i].connect(serverSockets[i].localAddress());
            servers[i] = DtlsServerConnection.create(serverSockets[i], serverCert);
            clients[i] = DtlsClientConnection.create(clientSockets[i], SERVER_IDENTITY);
            clients[i].setDatabase(trust);
        }
    }

    @TearDown(Level.Invocation)
    public void closePairs() throws Exception {
        for (int i = 0; i < pairs; i++) {
            clients[i].close();
            servers[i].close();
            clientSockets[i].close();
            serverSockets[i].close();
        }
    }

    @Benchmark
    public void handshakes() throws Exception {
        CompletableFuture<?>[] all = new CompletableFuture<?>[2 * pairs];
        for (int i = 0; i < pairs; i++) {
            all[2 * i] = servers[i].handshakeAsync(pump, 0, null);
            all[2 * i + 1] = clients[i].handshakeAsync(pump, 0, null);
        }
        // Any failed handshake fails the benchmark. The bound only keeps a broken run from hanging forever.
        CompletableFuture.allOf(all).get(5, TimeUnit.MINUTES);
    }
}
