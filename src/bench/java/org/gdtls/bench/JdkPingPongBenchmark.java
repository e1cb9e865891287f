package org.gdtls.bench;

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

/** S3 with the JDK's DTLS 1.2: the 64-byte round trip of {@link PingPongBenchmark}, both ends on this thread. */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JdkPingPongBenchmark {
    private JdkDtlsPair pair;
    private JdkPingPong pingPong;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pair = new JdkDtlsPair(JdkDtlsContext.create());
        pair.handshake();
        pingPong = new JdkPingPong(pair);
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        pair.close();
    }

    @Benchmark
    public int roundTrip() throws Exception {
        return pingPong.roundTrip();
    }
}
