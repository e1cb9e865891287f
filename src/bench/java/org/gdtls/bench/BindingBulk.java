package org.gdtls.bench;

import java.nio.ByteBuffer;

import org.gdtls.DtlsConnection;
import org.gdtls.GioException;

/**
 * S2 through the binding, the loop of native/bench/bench_loops.h: records of {@value #RECORD_SIZE} bytes client
 * -> server, an 8-byte ack from the server after every window of {@value #WINDOW}, one thread driving both
 * ends. Single: {@code send(ByteBuffer)}/{@code receive(ByteBuffer)}, one native call per record; batched: one
 * {@code send(ByteBuffer[]..)} and one {@code receive(ByteBuffer[]..)} per window. Shared by
 * {@link BulkBenchmark} and the paired runs.
 */
final class BindingBulk {
    static final int RECORD_SIZE = 1200;
    static final int WINDOW = 64;
    private static final int ACK_SIZE = 8;

    private final BindingPair pair;
    private final boolean batched;
    private final ByteBuffer[] outgoing = new ByteBuffer[WINDOW];
    private final ByteBuffer[] incoming = new ByteBuffer[WINDOW];
    private final ByteBuffer ack = ByteBuffer.allocateDirect(ACK_SIZE);
    private final ByteBuffer ackIn = ByteBuffer.allocateDirect(64);

    BindingBulk(BindingPair pair, boolean batched) {
        this.pair = pair;
        this.batched = batched;
        for (int i = 0; i < WINDOW; i++) {
            outgoing[i] = ByteBuffer.allocateDirect(RECORD_SIZE);
            while (outgoing[i].hasRemaining()) {
                outgoing[i].put((byte) 'x');
            }
            incoming[i] = ByteBuffer.allocateDirect(RECORD_SIZE + 200); // a longer datagram would show
        }
    }

    void transfer(int records) throws GioException {
        for (int sent = 0; sent < records; ) {
            int count = Math.min(WINDOW, records - sent);
            window(count);
            sent += count;
        }
    }

    private void window(int count) throws GioException {
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
