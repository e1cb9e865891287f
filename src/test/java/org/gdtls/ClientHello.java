package org.gdtls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads a DTLS ClientHello's server_name, as the C parity runner's client_hello_sni does. */
final class ClientHello {
    private ClientHello() {}

    /** The host_name of the server_name extension; "none" without one, "unparsed" if not a whole ClientHello. */
    static String serverName(ByteBuffer datagram) {
        ByteBuffer p = datagram.slice();
        try {
            if (p.get(0) != 22 || p.get(13) != 1) { // a handshake record holding a client_hello
                return "unparsed";
            }
            p.position(13 + 12 + 2 + 32); // record header, handshake header, client_version, random
            skip(p, p.get() & 0xff); // session_id
            skip(p, p.get() & 0xff); // cookie
            skip(p, p.getShort() & 0xffff); // cipher_suites
            skip(p, p.get() & 0xff); // compression_methods
            if (p.remaining() < 2) {
                return "unparsed";
            }
            int end = p.position() + 2 + (p.getShort() & 0xffff);
            while (p.position() + 4 <= end && end <= p.limit()) {
                int type = p.getShort() & 0xffff;
                int length = p.getShort() & 0xffff;
                int next = p.position() + length;
                if (type == 0 && length >= 5 && next <= end && p.get(p.position() + 2) == 0) { // server_name: host_name
                    int nameLength = p.getShort(p.position() + 3) & 0xffff;
                    if (p.position() + 5 + nameLength <= end) {
                        byte[] name = new byte[nameLength];
                        p.get(p.position() + 5, name);
                        return new String(name, StandardCharsets.US_ASCII);
                    }
                }
                p.position(next);
            }
            return "none";
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            return "unparsed";
        }
    }

    private static void skip(ByteBuffer p, int n) {
        p.position(p.position() + n);
    }
}
