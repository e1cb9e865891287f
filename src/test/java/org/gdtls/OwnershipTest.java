package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One owner per GObject reference, checked through the jnr-ffi oracle: the wrapper holds exactly one reference,
 * transfer-none results take their own, close() drops it once, and use after close throws.
 */
@Timeout(60)
class OwnershipTest {

    @Test
    void certificateWrapperOwnsOneReference() throws Exception {
        TlsCertificate cert = TlsCertificate.fromFile(LoopbackPair.pki("server-and-key.pem"));
        long address = cert.handle.address();
        assertEquals("GTlsCertificateGnutls", GObjectOracle.typeName(address));
        assertEquals(1, GObjectOracle.refCount(address));

        GObjectOracle.ref(address); // the oracle keeps the object alive to watch it
        cert.close();
        assertEquals(1, GObjectOracle.refCount(address), "close() must drop exactly the wrapper's reference");
        cert.close(); // idempotent
        assertEquals(1, GObjectOracle.refCount(address));
        assertThrows(IllegalStateException.class, cert::subjectName);
        GObjectOracle.unref(address);
    }

    /**
     * fromDer's issuer: the new certificate takes its own reference, dropped with it; of() keeps no reference of
     * its own to the issuers it made; toX509Chain() and the property getters leave every count as it was.
     */
    @Test
    void constructedChainHoldsOneReferencePerLink() throws Exception {
        X509Certificate[] chain = java.util.Arrays.stream(JdkPem.certificates(LoopbackPair.pki("server-chain.pem")))
                .map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
        try (TlsCertificate intermediate = TlsCertificate.fromDer(chain[1].getEncoded(), null, null)) {
            long issuerAddress = intermediate.handle.address();
            assertEquals(1, GObjectOracle.refCount(issuerAddress));
            try (TlsCertificate leaf = TlsCertificate.fromDer(chain[0].getEncoded(), null, intermediate)) {
                assertEquals(2, GObjectOracle.refCount(issuerAddress), "the leaf's issuer property holds one");
            }
            assertEquals(1, GObjectOracle.refCount(issuerAddress), "closing the leaf released it");
        }
        try (TlsCertificate leaf = TlsCertificate.of(chain, JdkPem.rsaKey(LoopbackPair.pki("server-chain-key.pem")))) {
            long leafAddress = leaf.handle.address();
            long issuerAddress;
            try (TlsCertificate issuer = leaf.issuer()) {
                issuerAddress = issuer.handle.address();
                assertEquals(2, GObjectOracle.refCount(issuerAddress), "the leaf's and this wrapper's");
            }
            assertEquals(1, GObjectOracle.refCount(leafAddress));
            assertEquals(1, GObjectOracle.refCount(issuerAddress), "of() closed its own wrapper of the issuer");
            leaf.toX509Chain();
            leaf.der();
            leaf.privateKeyDer();
            leaf.privateKeyPem();
            assertEquals(1, GObjectOracle.refCount(leafAddress));
            assertEquals(1, GObjectOracle.refCount(issuerAddress));
        }
    }

    @Test
    void peerCertificateTakesItsOwnReference() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            pair.handshake();
            long connection = pair.client.handle.address();
            // glib-networking has one class for TLS and DTLS clients: it implements GDtlsClientConnection.
            assertEquals("GTlsClientConnectionGnutls", GObjectOracle.typeName(connection));
            try (TlsCertificate peer = pair.client.peerCertificate()) {
                long address = peer.handle.address();
                int held = GObjectOracle.refCount(address);
                try (TlsCertificate again = pair.client.peerCertificate()) {
                    assertEquals(held + 1, GObjectOracle.refCount(address));
                    assertTrue(peer.isSame(again));
                }
                assertEquals(held, GObjectOracle.refCount(address));
                assertTrue(peer.subjectName().contains("server.example.com"), peer.subjectName());
            }
        }
    }

    @Test
    @Covers({"g_dtls_connection_get_type", "g_dtls_client_connection_get_type", "g_dtls_server_connection_get_type"})
    void gtypesAreTheInterfacesTheBackendImplements() throws Exception {
        try (LoopbackPair pair = LoopbackPair.create()) {
            assertEquals("GDtlsConnection", GObjectOracle.gtypeName(DtlsConnection.gtype()));
            assertEquals("GDtlsClientConnection", GObjectOracle.gtypeName(DtlsClientConnection.gtype()));
            assertEquals("GDtlsServerConnection", GObjectOracle.gtypeName(DtlsServerConnection.gtype()));
            assertTrue(GObjectOracle.isA(pair.client.handle.address(), DtlsClientConnection.gtype()));
            assertTrue(GObjectOracle.isA(pair.server.handle.address(), DtlsServerConnection.gtype()));
            assertTrue(GObjectOracle.isA(pair.server.handle.address(), DtlsConnection.gtype()));
        }
    }

    @Test
    void closedConnectionReleasesItsReferenceAndListeners() throws Exception {
        LoopbackPair pair = LoopbackPair.create();
        long address = pair.client.handle.address();
        pair.client.onAcceptCertificate((c, cert, errors) -> false);
        GObjectOracle.ref(address);
        int before = GObjectOracle.refCount(address);
        int registered = org.gdtls.internal.glue.CallbackDispatcher.registeredCount();
        pair.close();
        assertEquals(before - 1, GObjectOracle.refCount(address));
        // g_signal_handler_disconnect ran the destroy notify, which released the registry handle.
        assertEquals(registered - 1, org.gdtls.internal.glue.CallbackDispatcher.registeredCount());
        GObjectOracle.unref(address);
    }
}
