package org.gdtls.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * S2 with the JDK's DTLS 1.2: the same transfer as {@link BulkBenchmark} (100 000 records of 1200 bytes, an
 * 8-byte ack every 64, one thread drives both ends), one {@code wrap} + {@code write} per record and one
 * {@code read} + {@code unwrap} per record: an SSLEngine has no batched form. One operation is one record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(BulkBenchmark.RECORDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JdkBulkBenchmark {
    private JdkDtlsPair pair;
    private JdkBulk bulk;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pair = new JdkDtlsPair(JdkDtlsContext.create());
        pair.handshake();
        bulk = new JdkBulk(pair);
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        pair.close();
    }

    @Benchmark
    public void transfer() throws Exception {
        bulk.transfer(BulkBenchmark.RECORDS);
    }
}
