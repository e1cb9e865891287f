package org.gdtls.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * S1: a full DTLS 1.2 handshake on a fresh client+server pair (one shot per iteration): both sync handshakes
 * at once, the server's on a second thread. Creating and closing the pair are not timed. C baseline:
 * native/bench/bench_handshake.c. GnuTLS in blocking DTLS mode sets the pace (~300 ms).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
@State(Scope.Benchmark)
public class HandshakeBenchmark {
    private BindingPair.Pki pki;
    private ExecutorService serverThread;
    private BindingPair pair;

    @Setup(Level.Trial)
    public void loadPki() throws Exception {
        pki = new BindingPair.Pki();
        serverThread = Executors.newSingleThreadExecutor();
    }

    @TearDown(Level.Trial)
    public void freePki() {
        serverThread.shutdownNow();
        pki.close();
    }

    @Setup(Level.Invocation)
    public void createPair() throws Exception {
        pair = new BindingPair(pki);
    }

    @TearDown(Level.Invocation)
    public void closePair() throws Exception {
        pair.close();
    }

    @Benchmark
    public void handshake() throws Exception {
        pair.handshake(serverThread);
    }
}
