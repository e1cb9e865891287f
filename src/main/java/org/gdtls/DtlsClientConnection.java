package org.gdtls;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.bytedeco.javacpp.Pointer;
import org.gdtls.internal.gen.GByteArray;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.GDtlsClientConnection;
import org.gdtls.internal.gen.GInetSocketAddress;
import org.gdtls.internal.gen.GList;
import org.gdtls.internal.gen.GNetworkAddress;
import org.gdtls.internal.gen.GSocketConnectable;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ServerIdentity;

/**
 * A {@code GDtlsClientConnection}: the client side of DTLS over a connected UDP socket.
 *
 * <p>A client certificate needs no {@link TlsInteraction}: {@link #setCertificate} before the handshake is
 * enough. An interaction is a way to supply one on demand: its {@link TlsInteraction#requestCertificate} is
 * asked when the server wants a certificate and none is set.
 */
public final class DtlsClientConnection extends DtlsConnection {

    private DtlsClientConnection(GDatagramBased owned, DatagramTransport base) {
        super(owned, "DtlsClientConnection", base);
    }

    /**
     * {@code g_dtls_client_connection_new}. The server identity is what the server's certificate must match:
     * a host name ({@code g_network_address_new}) or an IP address literal ({@code g_inet_socket_address_new}),
     * or null to skip the identity check (the server certificate then has {@link TlsCertificateFlags#BAD_IDENTITY}
     * unchecked). The connection keeps the base socket's GObject alive; closing it leaves the socket open.
     */
    @Wraps(value = {"g_dtls_client_connection_new"}, properties = {"GDtlsClientConnection:server-identity", "GDtlsConnection:base-socket"})
    public static DtlsClientConnection create(DatagramTransport base, String serverIdentity) throws GioException {
        Objects.requireNonNull(base, "base");
        NativeLibrary.ensureLoaded();
        Pointer identity = serverIdentity == null ? null : ServerIdentity.connectable(serverIdentity);
        GDatagramBased transport = TransportLease.acquire(base);
        try {
            GErrorSlot error = GErrorSlot.ofThread();
            GDatagramBased conn = Gio.g_dtls_client_connection_new(transport,
                    identity == null ? null : new GSocketConnectable(identity), error.out());
            error.check();
            return new DtlsClientConnection(conn, base);
        } finally {
            TransportLease.release(base);
            if (identity != null) {
                Gio.g_object_unref(identity); // the connection took its own reference
            }
        }
    }

    /**
     * {@code g_dtls_client_connection_get_server_identity} (transfer none): the host name, or the IP address for
     * an address identity; null if none is set.
     */
    @Wraps(value = {"g_dtls_client_connection_get_server_identity"}, properties = {"GDtlsClientConnection:server-identity"})
    public String serverIdentity() {
        GDtlsClientConnection conn = client();
        try {
            GSocketConnectable identity = Gio.g_dtls_client_connection_get_server_identity(conn);
            if (identity == null || identity.isNull()) {
                return null;
            }
            String type = CStrings.borrowed(Glue.gdtls_object_type_name(identity));
            if ("GNetworkAddress".equals(type)) {
                return CStrings.borrowed(Gio.g_network_address_get_hostname(new GNetworkAddress(identity)));
            }
            if ("GInetSocketAddress".equals(type)) {
                return CStrings.owned(Gio.g_inet_address_to_string(
                        Gio.g_inet_socket_address_get_address(new GInetSocketAddress(identity))));
            }
            throw new UnsupportedOperationException("server identity is a " + type);
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_client_connection_set_server_identity}: a host name or an IP address literal. */
    @Wraps(value = {"g_dtls_client_connection_set_server_identity"}, properties = {"GDtlsClientConnection:server-identity"})
    public void setServerIdentity(String serverIdentity) {
        Objects.requireNonNull(serverIdentity, "serverIdentity");
        Pointer identity = ServerIdentity.connectable(serverIdentity);
        GDtlsClientConnection conn = client();
        try {
            Gio.g_dtls_client_connection_set_server_identity(conn, new GSocketConnectable(identity));
        } finally {
            handle.release();
            Gio.g_object_unref(identity);
        }
    }

    /**
     * {@code g_dtls_client_connection_get_validation_flags}: deprecated in GIO 2.74, where the backend ignores
     * it and checks everything.
     */
    @Deprecated
    @Wraps(value = {"g_dtls_client_connection_get_validation_flags"}, properties = {"GDtlsClientConnection:validation-flags"})
    public Set<TlsCertificateFlags> validationFlags() {
        GDtlsClientConnection conn = client();
        try {
            return TlsCertificateFlags.fromBits(Gio.g_dtls_client_connection_get_validation_flags(conn));
        } finally {
            handle.release();
        }
    }

    /** {@code g_dtls_client_connection_set_validation_flags}: deprecated; see {@link #validationFlags()}. */
    @Deprecated
    @Wraps(value = {"g_dtls_client_connection_set_validation_flags"}, properties = {"GDtlsClientConnection:validation-flags"})
    public void setValidationFlags(Set<TlsCertificateFlags> flags) {
        GDtlsClientConnection conn = client();
        try {
            Gio.g_dtls_client_connection_set_validation_flags(conn, TlsCertificateFlags.toBits(flags));
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_dtls_client_connection_get_accepted_cas} (transfer full): the DER-encoded distinguished names of
     * the CAs the server said it accepts client certificates from, during the last handshake that asked for one.
     */
    @Wraps(value = {"g_dtls_client_connection_get_accepted_cas"}, properties = {"GDtlsClientConnection:accepted-cas"})
    public List<byte[]> acceptedCasDer() {
        GDtlsClientConnection conn = client();
        try {
            List<byte[]> result = new ArrayList<>();
            GList list = Gio.g_dtls_client_connection_get_accepted_cas(conn);
            for (GList node = list; node != null && !node.isNull(); node = node.next()) {
                GByteArray dn = new GByteArray(node.data());
                byte[] bytes = new byte[dn.len()];
                dn.data().get(bytes);
                result.add(bytes);
                Gio.g_byte_array_unref(dn);
            }
            if (list != null && !list.isNull()) {
                Gio.g_list_free(list);
            }
            return result;
        } finally {
            handle.release();
        }
    }

    /** {@link #acceptedCasDer()} as X.500 names. */
    @Wraps(value = {"g_dtls_client_connection_get_accepted_cas"}, properties = {"GDtlsClientConnection:accepted-cas"})
    public List<X500Principal> acceptedCas() {
        return acceptedCasDer().stream().map(X500Principal::new).toList();
    }

    private GDtlsClientConnection client() {
        return new GDtlsClientConnection(handle.acquire());
    }

    /** {@code g_dtls_client_connection_get_type}: the GType of the {@code GDtlsClientConnection} interface, for interop with other GObject code. */
    @Wraps("g_dtls_client_connection_get_type")
    public static long gtype() {
        NativeLibrary.ensureLoaded();
        return Gio.g_dtls_client_connection_get_type();
    }
}
