package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GDtlsConnection: each test names the g_dtls_connection_* functions and properties it covers. */
@Timeout(60)
class DtlsConnectionTest {

    /** notify, notify::name (GObject) on a GDtlsConnection; set_require_close_notify. */
    @Test
    @Covers({"GObject::notify", "g_dtls_connection_set_require_close_notify", "GDtlsConnection:require-close-notify", "GDtlsConnection:peer-certificate"})
    void notifyListenersByNameAndForAll() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            List<String> all = new CopyOnWriteArrayList<>();
            List<Thread> threads = new CopyOnWriteArrayList<>();
            List<String> one = new CopyOnWriteArrayList<>();
            Subscription everything = pair.client.onNotify((conn, property) -> {
                all.add(property);
                threads.add(Thread.currentThread());
                assertSame(pair.client, conn);
            });
            pair.client.onNotify("require-close-notify", (conn, property) -> one.add(property));

            pair.client.setRequireCloseNotify(false);
            assertEquals(List.of("require-close-notify"), one);
            assertEquals(List.of("require-close-notify"), all);

            pair.handshake();
            assertTrue(all.contains("peer-certificate"), all.toString());
            assertTrue(all.contains("peer-certificate-errors"), all.toString());
            assertEquals(Set.of(Thread.currentThread()), Set.copyOf(threads)); // sync handshake: the caller's thread

            everything.close();
            pair.client.setRequireCloseNotify(true);
            assertEquals(List.of("require-close-notify", "require-close-notify"), one);
            assertEquals(1, all.stream().filter("require-close-notify"::equals).count(), "unsubscribed listener was called");
        }
    }

    @Test
    void receiveIntoAFullBufferIsRefused() throws Exception {
        // It would read as -1 ("the peer closed") while GIO only dropped the datagram's bytes.
        try (LoopbackPair pair = LoopbackPair.create(); MainContextPump pump = MainContextPump.start("full")) {
            ByteBuffer full = ByteBuffer.allocateDirect(8).position(8);
            assertThrows(IllegalArgumentException.class, () -> pair.client.receive(full, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> pair.client.receiveAsync(full, pump));
        }
    }

    @Test
    void notifyForUnknownPropertyIsRejected() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertThrows(IllegalArgumentException.class, () -> pair.client.onNotify("no-such-property", (c, p) -> { }));
        }
    }

    /** g_dtls_connection_get_channel_binding_data for all three types, before and after the handshake. */
    @Test
    @Covers({"g_dtls_connection_get_channel_binding_data"})
    void channelBindingData() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            TlsChannelBindingErrorException early = assertThrows(TlsChannelBindingErrorException.class,
                    () -> pair.client.channelBindingData(TlsChannelBindingType.TLS_UNIQUE));
            assertEquals(TlsChannelBindingError.INVALID_STATE, early.code());
            assertEquals(GioException.TLS_CHANNEL_BINDING_ERROR_DOMAIN, early.domain());

            pair.handshake();
            byte[] unique = pair.client.channelBindingData(TlsChannelBindingType.TLS_UNIQUE);
            assertEquals(12, unique.length);
            assertArrayEquals(unique, pair.server.channelBindingData(TlsChannelBindingType.TLS_UNIQUE));
            byte[] endPoint = pair.client.channelBindingData(TlsChannelBindingType.TLS_SERVER_END_POINT);
            assertEquals(32, endPoint.length);
            assertArrayEquals(endPoint, pair.server.channelBindingData(TlsChannelBindingType.TLS_SERVER_END_POINT));
            TlsChannelBindingErrorException exporter = assertThrows(TlsChannelBindingErrorException.class,
                    () -> pair.client.channelBindingData(TlsChannelBindingType.TLS_EXPORTER));
            assertEquals(TlsChannelBindingError.NOT_AVAILABLE, exporter.code());
        }
    }

    /** set/get_advertised_protocols (property), get_negotiated_protocol: agreement and disagreement. */
    @Test
    @Covers({"g_dtls_connection_set_advertised_protocols", "GDtlsConnection:advertised-protocols", "g_dtls_connection_get_negotiated_protocol", "GDtlsConnection:negotiated-protocol"})
    void alpn() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertNull(pair.client.advertisedProtocols());
            pair.client.setAdvertisedProtocols(List.of("coap", "h3"));
            pair.server.setAdvertisedProtocols(List.of("h3"));
            assertEquals(List.of("coap", "h3"), pair.client.advertisedProtocols());
            pair.handshake();
            assertEquals("h3", pair.client.negotiatedProtocol());
            assertEquals("h3", pair.server.negotiatedProtocol());
        }
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.client.setAdvertisedProtocols(List.of("coap"));
            pair.server.setAdvertisedProtocols(List.of("h3"));
            pair.handshake();
            assertNull(pair.client.negotiatedProtocol());
            assertNull(pair.server.negotiatedProtocol());
        }
    }

    /** get_certificate, get_database/set_database (including NULL), base-socket property. */
    @Test
    @Covers({"g_dtls_connection_get_certificate", "GDtlsConnection:certificate", "g_dtls_connection_get_database", "g_dtls_connection_set_database", "GDtlsConnection:database", "GDtlsConnection:base-socket", "g_tls_file_database_new", "g_tls_backend_get_default_database"})
    void certificateDatabaseAndBaseSocket() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate expected = TlsCertificate.fromFile(LoopbackPair.pki("server.pem"))) {
            try (TlsCertificate own = pair.server.certificate()) {
                assertTrue(own.isSame(expected));
            }
            assertNull(pair.client.certificate());
            try (TlsDatabase db = pair.client.database()) {
                assertEquals("GTlsFileDatabaseGnutls", GObjectOracle.typeName(db.handle.address()));
            }
            try (UdpSocket base = pair.client.baseSocket()) {
                assertEquals(pair.clientSocket.localAddress(), base.localAddress());
                assertEquals(pair.clientSocket.handle.address(), base.handle.address());
            }
            try (TlsDatabase db = pair.server.database(); TlsDatabase system = TlsDatabase.systemDefault()) {
                // A connection without an explicit database uses the backend's default one.
                assertEquals(system.handle.address(), db.handle.address());
            }
            pair.client.setDatabase(null);
            assertNull(pair.client.database());
        }
    }

    /** A NULL database: validation against a CA is off, so even a trusted server is UNKNOWN_CA. */
    @Test
    @Covers({"g_dtls_connection_set_database", "GDtlsConnection::accept-certificate"})
    void nullDatabaseMakesEveryPeerUnknownCa() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.client.setDatabase(null);
            List<Set<TlsCertificateFlags>> seen = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, cert, errors) -> seen.add(errors));
            pair.handshake();
            assertEquals(List.of(EnumSet.of(TlsCertificateFlags.UNKNOWN_CA)), seen);
        }
    }

    /** get/set_require_close_notify; get/set_rehandshake_mode (deprecated). */
    @Test
    @SuppressWarnings("deprecation")
    @Covers({"g_dtls_connection_get_require_close_notify", "g_dtls_connection_set_require_close_notify", "g_dtls_connection_set_rehandshake_mode", "g_dtls_connection_get_rehandshake_mode", "GDtlsConnection:rehandshake-mode", "g_dtls_connection_get_peer_certificate", "g_dtls_connection_get_protocol_version", "g_dtls_connection_get_ciphersuite_name"})
    void simpleProperties() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertTrue(pair.client.requireCloseNotify());
            pair.client.setRequireCloseNotify(false);
            assertFalse(pair.client.requireCloseNotify());
            pair.client.setRehandshakeMode(TlsRehandshakeMode.NEVER);
            // GIO 2.74 ignores the setter and always reports SAFELY.
            assertEquals(TlsRehandshakeMode.SAFELY, pair.client.rehandshakeMode());
            assertEquals(ProtocolVersion.UNKNOWN, pair.client.protocolVersion());
            assertNull(pair.client.ciphersuiteName());
            assertNull(pair.client.peerCertificate());
        }
    }

    /**
     * g_dtls_connection_emit_accept_certificate emits GDtlsConnection::accept-certificate, a different signal id
     * from the GTlsConnection::accept-certificate the backend emits and a by-name connection reaches. The same
     * scenario in C (g_signal_connect by name, then emit) returns FALSE without calling the handler.
     */
    @Test
    @Covers({"g_dtls_connection_emit_accept_certificate"})
    void emitAcceptCertificateReachesNoByNameListenerAsInC() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create();
             TlsCertificate cert = TlsCertificate.fromFile(LoopbackPair.pki("untrusted-server.pem"))) {
            assertFalse(pair.client.emitAcceptCertificate(cert, EnumSet.of(TlsCertificateFlags.UNKNOWN_CA)));
            List<String> order = new CopyOnWriteArrayList<>();
            pair.client.onAcceptCertificate((c, peer, errors) -> order.add("first") && false);
            pair.client.onAcceptCertificate((c, peer, errors) -> order.add("second"));
            pair.client.onAcceptCertificate((c, peer, errors) -> order.add("third"));
            assertFalse(pair.client.emitAcceptCertificate(cert, EnumSet.of(TlsCertificateFlags.UNKNOWN_CA)));
            assertEquals(List.of(), order);
        }
    }
}
