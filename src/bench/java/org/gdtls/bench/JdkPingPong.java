package org.gdtls.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/** S3 with the JDK's DTLS 1.2, the round trip of {@link BindingPingPong}. */
final class JdkPingPong {
    private final JdkDtlsPair pair;
    private final ByteBuffer ping = ByteBuffer.allocateDirect(BindingPingPong.PING_SIZE);
    private final ByteBuffer atServer = ByteBuffer.allocateDirect(16 * 1024);
    private final ByteBuffer atClient = ByteBuffer.allocateDirect(16 * 1024);

    JdkPingPong(JdkDtlsPair pair) {
        this.pair = pair;
        while (ping.hasRemaining()) {
            ping.put((byte) 'p');
        }
    }

    int roundTrip() throws IOException {
        ping.clear();
        pair.client.send(ping);
        atServer.clear();
        pair.server.receive(atServer);
        atServer.flip();
        pair.server.send(atServer);
        atClient.clear();
        int n = pair.client.receive(atClient);
        if (n != BindingPingPong.PING_SIZE) {
            throw new IllegalStateException("pong of " + n + " bytes");
        }
        return n;
    }
}
