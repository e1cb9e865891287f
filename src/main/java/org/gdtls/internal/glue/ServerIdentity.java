package org.gdtls.internal.glue;

import java.net.InetAddress;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.global.Gio;

/** A server identity string as the {@code GSocketConnectable} GIO checks certificates against. */
public final class ServerIdentity {
    private ServerIdentity() {}

    /**
     * A new reference (the caller unrefs it): {@code g_inet_socket_address_new_from_string} for an IP address
     * literal, {@code g_network_address_new} for a host name.
     */
    public static Pointer connectable(String identity) {
        try (BytePointer s = CStrings.utf8(identity)) {
            if (isIpLiteral(identity)) {
                return Gio.g_inet_socket_address_new_from_string(s, 0);
            }
            return Gio.g_network_address_new(s, (short) 0);
        }
    }

    public static boolean isIpLiteral(String s) {
        if (s.indexOf(':') >= 0) {
            return true; // only IPv6 literals contain ':' (host names cannot)
        }
        if (!s.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return false;
        }
        try {
            return InetAddress.getByName(s).getHostAddress() != null; // a dotted quad: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
