package org.gdtls.bench;

import java.util.concurrent.TimeUnit;

import org.gdtls.ProtocolVersion;
import org.gdtls.Subscription;
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
 * S5: the cost of a cheap call on a handshaken client connection. Getters: {@code requireCloseNotify()} and
 * {@code protocolVersion()} (in GIO 2.74 both read a GObject property through g_object_get). Notify:
 * {@code setRequireCloseNotify} alternating true/false with one listener on {@code require-close-notify}, so
 * each operation is a property set plus one notify emission that reaches Java through the glue trampoline.
 * C baseline: native/bench/bench_calls.c.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallOverheadBenchmark {
    private BindingPair.Pki pki;
    private BindingPair pair;
    private Subscription listener;
    private boolean next;
    private long notified;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pki = new BindingPair.Pki();
        pair = BindingPair.handshaken(pki);
        listener = pair.client.onNotify("require-close-notify", (conn, property) -> notified++);
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        if (notified == 0) {
            throw new IllegalStateException("the notify listener was never called");
        }
        listener.close();
        pair.close();
        pki.close();
    }

    @Benchmark
    public boolean requireCloseNotify() {
        return pair.client.requireCloseNotify();
    }

    @Benchmark
    public ProtocolVersion protocolVersion() {
        return pair.client.protocolVersion();
    }

    @Benchmark
    public void setWithNotify() {
        next = !next;
        pair.client.setRequireCloseNotify(next);
    }
}
