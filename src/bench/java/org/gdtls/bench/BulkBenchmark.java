package org.gdtls.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.gdtls.DtlsConnection;
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
 * S2: over one handshaken connection, {@value #RECORDS} records of {@value #RECORD_SIZE} bytes client ->
 * server; after every window of {@value #WINDOW} the server sends an 8-byte ack and the client waits for it.
 * One thread drives both ends, as native/bench/bench_bulk.c does. {@code single}: {@code send(ByteBuffer)} /
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
    static final int RECORD_SIZE = 1200;
    static final int WINDOW = 64;
    private static final int ACK_SIZE = 8;

    @Param({"single", "batched"})
    public String mode;

    private BindingPair.Pki pki;
    private BindingPair pair;
    private final ByteBuffer[] outgoing = new ByteBuffer[WINDOW];
    private final ByteBuffer[] incoming = new ByteBuffer[WINDOW];
    private final ByteBuffer ack = ByteBuffer.allocateDirect(ACK_SIZE);
    private final ByteBuffer ackIn = ByteBuffer.allocateDirect(64);

    @Setup(Level.Trial)
    public void connect() throws Exception {
        pki = new BindingPair.Pki();
        pair = BindingPair.handshaken(pki);
        for (int i = 0; i < WINDOW; i++) {
            outgoing[i] = ByteBuffer.allocateDirect(RECORD_SIZE);
            while (outgoing[i].hasRemaining()) {
                outgoing[i].put((byte) 'x');
            }
            incoming[i] = ByteBuffer.allocateDirect(RECORD_SIZE + 200); // a longer datagram would show
        }
    }

    @TearDown(Level.Trial)
    public void disconnect() throws Exception {
        pair.close();
        pki.close();
    }

    @Benchmark
    public void transfer() throws GioException {
        boolean batched = mode.equals("batched");
        for (int sent = 0; sent < RECORDS; ) {
            int count = Math.min(WINDOW, RECORDS - sent);
            if (batched) {
                sendBatched(pair.client, count);
                receiveBatched(pair.server, count);
            } else {
                sendSingle(pair.client, count);
                receiveSingle(pair.server, count);
            }
            ack.clear();
            pair.server.send(ack);
            ackIn.clear();
            if (pair.client.receive(ackIn) != ACK_SIZE) {
                throw new IllegalStateException("ack of " + ackIn.position() + " bytes");
            }
            sent += count;
        }
    }

    private void sendSingle(DtlsConnection conn, int count) throws GioException {
        for (int i = 0; i < count; i++) {
            outgoing[i].clear();
            conn.send(outgoing[i]);
        }
    }

    private void receiveSingle(DtlsConnection conn, int count) throws GioException {
        for (int i = 0; i < count; i++) {
            incoming[i].clear();
            if (conn.receive(incoming[i]) != RECORD_SIZE) {
                throw new IllegalStateException("short record");
            }
        }
    }

    private void sendBatched(DtlsConnection conn, int count) throws GioException {
        for (int i = 0; i < count; i++) {
            outgoing[i].clear();
        }
        for (int done = 0; done < count; ) {
            done += conn.send(outgoing, done, count - done, null);
        }
    }

    private void receiveBatched(DtlsConnection conn, int count) throws GioException {
        for (int i = 0; i < count; i++) {
            incoming[i].clear();
        }
        for (int done = 0; done < count; ) {
            int n = conn.receive(incoming, done, count - done, null);
            for (int i = done; i < done + n; i++) {
                if (incoming[i].position() != RECORD_SIZE) {
                    throw new IllegalStateException("short record");
                }
            }
            done += n;
        }
    }
}
