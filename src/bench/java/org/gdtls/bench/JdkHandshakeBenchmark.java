package org.gdtls.bench;

import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

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
 * S1 with the JDK's DTLS 1.2: a full handshake on a fresh {@link JdkDtlsPair} per shot, both engines driven
 * by this thread. Creating and closing the pair are not timed. More warm-up than the binding's benchmark: the
 * JDK's handshake code is Java and runs interpreted at first.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 20)
@Fork(1)
@State(Scope.Benchmark)
public class JdkHandshakeBenchmark {
    private SSLContext context;
    private JdkDtlsPair pair;

    @Setup(Level.Trial)
    public void createContext() throws Exception {
        context = JdkDtlsContext.create();
    }

    @Setup(Level.Invocation)
    public void createPair() throws Exception {
        pair = new JdkDtlsPair(context);
    }

    @TearDown(Level.Invocation)
    public void closePair() throws Exception {
        pair.close();
    }

    @Benchmark
    public void handshake() throws Exception {
        pair.handshake();
    }
}
