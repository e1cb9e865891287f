package org.gdtls;

import java.net.InetAddress;
import java.util.Objects;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GSocket;
import org.gdtls.internal.gen.GSocketConnectable;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.NativeLibrary;

/** A {@code GDtlsClientConnection}: the client side of DTLS over a connected UDP socket. */
public final class DtlsClientConnection extends DtlsConnection {

    private DtlsClientConnection(GDatagramBased owned) {
        super(owned, "DtlsClientConnection");
    }

    /**
     * {@code g_dtls_client_connection_new}. The server identity is what the server's certificate must match:
     * a host name ({@code g_network_address_new}) or an IP address literal ({@code g_inet_socket_address_new}),
     * or null to skip the identity check (the server certificate then has {@link TlsCertificateFlags#BAD_IDENTITY}
     * unchecked). The connection keeps the base socket's GObject alive; closing it leaves the socket open.
     */
    public static DtlsClientConnection create(UdpSocket base, String serverIdentity) throws GioException {
        Objects.requireNonNull(base, "base");
        NativeLibrary.ensureLoaded();
        Pointer identity = serverIdentity == null ? null : connectable(serverIdentity);
        GSocket socket = base.handle.acquire();
        try {
            GError error = GErrors.slot();
            GDatagramBased conn = Gio.g_dtls_client_connection_new(new GDatagramBased(socket),
                    identity == null ? null : new GSocketConnectable(identity), error);
            GErrors.check(error);
            return new DtlsClientConnection(conn);
        } finally {
            base.handle.release();
            if (identity != null) {
                Gio.g_object_unref(identity); // the connection took its own reference
            }
        }
    }

    private static Pointer connectable(String identity) {
        try (BytePointer s = CStrings.utf8(identity)) {
            if (isIpLiteral(identity)) {
                return Gio.g_inet_socket_address_new_from_string(s, 0);
            }
            return Gio.g_network_address_new(s, (short) 0);
        }
    }

    private static boolean isIpLiteral(String s) {
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
