package org.gdtls.bench;

import java.nio.ByteBuffer;

import org.gdtls.GioException;

/**
 * S3 through the binding, the round trip of native/bench/bench_loops.h: 64 bytes client -> server -> client,
 * one message per call, one thread. Shared by {@link PingPongBenchmark} and the paired runs.
 */
final class BindingPingPong {
    static final int PING_SIZE = 64;

    private final BindingPair pair;
    private final ByteBuffer ping = ByteBuffer.allocateDirect(PING_SIZE);
    private final ByteBuffer atServer = ByteBuffer.allocateDirect(256);
    private final ByteBuffer atClient = ByteBuffer.allocateDirect(256);

    BindingPingPong(BindingPair pair) {
        this.pair = pair;
        while (ping.hasRemaining()) {
            ping.put((byte) 'p');
        }
    }

    int roundTrip() throws GioException {
        ping.clear();
        pair.client.send(ping);
        atServer.clear();
        pair.server.receive(atServer);
        atServer.flip();
        pair.server.send(atServer);
        atClient.clear();
        int n = pair.client.receive(atClient);
        if (n != PING_SIZE) {
            throw new IllegalStateException("pong of " + n + " bytes");
        }
        return n;
    }
}
