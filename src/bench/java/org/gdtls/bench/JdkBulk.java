package org.gdtls.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * S2 with the JDK's DTLS 1.2, the transfer of {@link BindingBulk}: one {@code wrap} + {@code write} and one
 * {@code read} + {@code unwrap} per record (an SSLEngine has no batched form). Shared by
 * {@link JdkBulkBenchmark} and the paired runs.
 */
final class JdkBulk {
    private static final int ACK_SIZE = 8;

    private final JdkDtlsPair pair;
    private final ByteBuffer[] outgoing = new ByteBuffer[BindingBulk.WINDOW];
    private final ByteBuffer incoming = ByteBuffer.allocateDirect(16 * 1024);
    private final ByteBuffer ack = ByteBuffer.allocateDirect(ACK_SIZE);
    private final ByteBuffer ackIn = ByteBuffer.allocateDirect(16 * 1024);

    JdkBulk(JdkDtlsPair pair) {
        this.pair = pair;
        for (int i = 0; i < outgoing.length; i++) {
            outgoing[i] = ByteBuffer.allocateDirect(BindingBulk.RECORD_SIZE);
            while (outgoing[i].hasRemaining()) {
                outgoing[i].put((byte) 'x');
            }
        }
    }

    void transfer(int records) throws IOException {
        for (int sent = 0; sent < records; ) {
            int count = Math.min(BindingBulk.WINDOW, records - sent);
            window(count);
            sent += count;
        }
    }

    private void window(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            outgoing[i].clear();
            pair.client.send(outgoing[i]);
        }
        for (int i = 0; i < count; i++) {
            incoming.clear();
            if (pair.server.receive(incoming) != BindingBulk.RECORD_SIZE) {
                throw new IllegalStateException("short record");
            }
        }
        ack.clear();
        pair.server.send(ack);
        ackIn.clear();
        if (pair.client.receive(ackIn) != ACK_SIZE) {
            throw new IllegalStateException("bad ack");
        }
    }
}
