package org.gdtls.bench;

import java.nio.ByteBuffer;
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
    private static final int ACK_SIZE = 8;

    private JdkDtlsPair pair;
    private final ByteBuffer[] outgoing = new ByteBuffer[BulkBenchmark.WINDOW];
    private final ByteBuffer incoming = ByteBuffer.allocateDirect(16 * 1024);
    private final ByteBuffer ack = ByteBuffer.allocateDirect(ACK_SIZE);
    private final ByteBuffer ackIn = ByteBuffer.allocateDirect(16 * 1024);

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pair = new JdkDtlsPair(JdkDtlsContext.create());
        pair.handshake();
        for (int i = 0; i < outgoing.length; i++) {
            outgoing[i] = ByteBuffer.allocateDirect(BulkBenchmark.RECORD_SIZE);
            while (outgoing[i].hasRemaining()) {
                outgoing[i].put((byte) 'x');
            }
        }
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        pair.close();
    }

    @Benchmark
    public void transfer() throws Exception {
        for (int sent = 0; sent < BulkBenchmark.RECORDS; ) {
            int count = Math.min(BulkBenchmark.WINDOW, BulkBenchmark.RECORDS - sent);
            for (int i = 0; i < count; i++) {
                outgoing[i].clear();
                pair.client.send(outgoing[i]);
            }
            for (int i = 0; i < count; i++) {
                incoming.clear();
                if (pair.server.receive(incoming) != BulkBenchmark.RECORD_SIZE) {
                    throw new IllegalStateException("short record");
                }
            }
            ack.clear();
            pair.server.send(ack);
            ackIn.clear();
            if (pair.client.receive(ackIn) != ACK_SIZE) {
                throw new IllegalStateException("bad ack");
            }
            sent += count;
        }
    }
}
