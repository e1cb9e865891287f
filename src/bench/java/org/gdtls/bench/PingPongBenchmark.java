package org.gdtls.bench;

import java.util.concurrent.TimeUnit;

import org.gdtls.GioException;
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
 * S3: one 64-byte round trip per operation over one handshaken connection: client send, server receive,
 * server send back, client receive, all on the benchmark thread (as native/bench/bench_pingpong.c), one
 * message per call. Sampled per operation; the script reports the median.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PingPongBenchmark {
    private BindingPair.Pki pki;
    private BindingPair pair;
    private BindingPingPong pingPong;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pki = new BindingPair.Pki();
        pair = BindingPair.handshaken(pki);
        pingPong = new BindingPingPong(pair);
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        pair.close();
        pki.close();
    }

    @Benchmark
    public int roundTrip() throws GioException {
        return pingPong.roundTrip();
    }
}
