package org.gdtls.bench;

import java.util.concurrent.TimeUnit;

import org.gdtls.GioException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * S2: over one handshaken connection, {@value #RECORDS} records of 1200 bytes client ->
 * server; after every window of 64 the server sends an 8-byte ack and the client waits for it.
 * One thread drives both ends, as native/bench/bench_bulk.c does ({@link BindingBulk}). {@code single}: {@code send(ByteBuffer)} /
 * {@code receive(ByteBuffer)}, one native call per record; {@code batched}: one {@code send(ByteBuffer[]..)}
 * and one {@code receive(ByteBuffer[]..)} per window. One operation is one record (records/s; with
 * {@code -prof gc}, bytes allocated per record).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(BulkBenchmark.RECORDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BulkBenchmark {
    static final int RECORDS = 100_000;

    @Param({"single", "batched"})
    public String mode;

    private BindingPair.Pki pki;
    private BindingPair pair;
    private BindingBulk bulk;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pki = new BindingPair.Pki();
        pair = BindingPair.handshaken(pki);
        bulk = new BindingBulk(pair, mode.equals("batched"));
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        pair.close();
        pki.close();
    }

    @Benchmark
    public void transfer() throws GioException {
        bulk.transfer(RECORDS);
    }
}
