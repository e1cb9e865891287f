package org.gdtls;

import java.nio.ByteBuffer;

/**
 * Where a {@link CustomTransport} sends: DTLS over whatever carrier the application has (an ICE stack, a tunnel,
 * another process, memory).
 *
 * <p>Called on the thread doing the I/O, often GLib's handshake worker; do not block for long. An exception
 * fails the send: a {@link GioException} keeps its domain and code, anything else becomes
 * {@link IOErrorEnum#FAILED} with its message.
 */
@FunctionalInterface
public interface DatagramSink {
    /**
     * Sends one datagram: the remaining bytes of {@code datagram}, a read-only view of native memory that is
     * valid during this call only (copy what you keep).
     */
    void send(ByteBuffer datagram) throws Exception;
}
