package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

import org.gdtls.internal.glue.CallbackDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Cleaner safety net, and listeners that must not keep their connection alive (no GC-root cycle). */
@Timeout(60)
class CleanerTest {

    @Test
    void unclosedWrapperReleasesItsReferenceWhenCollected() throws Exception {
        long address = createAndDropCertificate();
        awaitGc(() -> GObjectOracle.refCount(address) == 1);
        assertEquals(1, GObjectOracle.refCount(address), "the Cleaner must drop the wrapper's reference");
        GObjectOracle.unref(address);
    }

    private static long createAndDropCertificate() throws GioException {
        TlsCertificate cert = TlsCertificate.fromFile(LoopbackPair.pki("server-and-key.pem"));
        long address = cert.handle.address();
        GObjectOracle.ref(address); // keeps the GObject alive so the oracle can watch its count
        return address;
    }

    @Test
    void listenerCapturingItsConnectionDoesNotKeepItAlive() throws Exception {
        int registeredBefore = CallbackDispatcher.registeredCount();
        long[] address = new long[1];
        WeakReference<DtlsClientConnection> ref = createConnectionWithSelfReferencingListener(address);
        awaitGc(() -> ref.get() == null && GObjectOracle.refCount(address[0]) == 1);
        assertNull(ref.get(), "the connection must be collectable while a listener refers to it");
        assertEquals(1, GObjectOracle.refCount(address[0]));
        GObjectOracle.unref(address[0]); // finalizes the GObject: GLib drops the handler and its registry handle
        assertEquals(registeredBefore, CallbackDispatcher.registeredCount());
    }

    private static WeakReference<DtlsClientConnection> createConnectionWithSelfReferencingListener(long[] address)
            throws GioException {
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DtlsClientConnection conn = DtlsClientConnection.create(socket, "server.example.com");
            conn.onAcceptCertificate((c, cert, errors) -> conn.isClosed()); // captures its own connection
            address[0] = conn.handle.address();
            GObjectOracle.ref(address[0]);
            return new WeakReference<>(conn);
        }
    }

    private static void awaitGc(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 100 && !done.getAsBoolean(); i++) {
            System.gc();
            Thread.sleep(20);
        }
    }
}
