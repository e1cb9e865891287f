package org.gdtls.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The JDK peer of {@link BindingPair}: two {@link DatagramChannel}s on 127.0.0.1 connected to each other, an
 * {@link SSLEngine} on each (server: server.pem; client: trusts ca.pem, checks the identity
 * server.example.com), packets capped at 1400 bytes like GIO's fixed MTU. One thread drives both engines, as
 * in the binding's data-path benchmarks; the handshake resends a flight when nothing arrived for a second
 * (the SSLEngine retransmits when wrap is called in NEED_UNWRAP), the first resend GnuTLS uses too.
 */
final class JdkDtlsPair implements AutoCloseable {
    static final int MAX_PACKET = 1400;
    private static final long RESEND_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    final End client;
    final End server;
    private final Selector selector;

    JdkDtlsPair(SSLContext context) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        DatagramChannel serverChannel = DatagramChannel.open().bind(loopback);
        DatagramChannel clientChannel = DatagramChannel.open().bind(loopback);
        serverChannel.connect(clientChannel.getLocalAddress());
        clientChannel.connect(serverChannel.getLocalAddress());

        SSLEngine serverEngine = context.createSSLEngine();
        serverEngine.setUseClientMode(false);
        SSLEngine clientEngine = context.createSSLEngine(BenchPki.SERVER_IDENTITY,
                ((InetSocketAddress) serverChannel.getLocalAddress()).getPort());
        clientEngine.setUseClientMode(true);
        SSLParameters clientParams = clientEngine.getSSLParameters();
        clientParams.setEndpointIdentificationAlgorithm("HTTPS"); // GIO checks the server identity too
        clientParams.setMaximumPacketSize(MAX_PACKET);
        clientEngine.setSSLParameters(clientParams);
        SSLParameters serverParams = serverEngine.getSSLParameters();
        serverParams.setMaximumPacketSize(MAX_PACKET);
        serverEngine.setSSLParameters(serverParams);

        selector = Selector.open();
        server = new End(serverEngine, serverChannel, selector);
        client = new End(clientEngine, clientChannel, selector);
    }

    /** Both handshakes, interleaved on this thread; waits in a Selector while no datagram is due. */
    void handshake() throws IOException {
        client.engine.beginHandshake();
        server.engine.beginHandshake();
        long start = System.nanoTime();
        long lastProgress = start;
        while (!client.handshakeDone() || !server.handshakeDone()) {
            boolean progress = client.handshakeStep() | server.handshakeStep();
            long now = System.nanoTime();
            if (progress) {
                lastProgress = now;
            } else if (now - lastProgress > RESEND_AFTER_NANOS) {
                client.resendFlight();
                server.resendFlight();
                lastProgress = now;
            } else if (now - start > GIVE_UP_NANOS) {
                throw new SSLException("DTLS handshake did not finish in 60 s");
            } else {
                selector.select(10);
                selector.selectedKeys().clear();
            }
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
        selector.close();
    }

    /** One side: its engine, its channel, and its packet buffers (direct, reused). */
    static final class End {
        final SSLEngine engine;
        private final DatagramChannel channel;
        private final ByteBuffer netOut;
        private final ByteBuffer netIn;
        private final ByteBuffer handshakeApp;

        End(SSLEngine engine, DatagramChannel channel, Selector selector) throws IOException {
            this.engine = engine;
            this.channel = channel;
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            netOut = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
            netIn = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
            netIn.flip(); // empty, in read mode
            handshakeApp = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize());
        }

        boolean handshakeDone() {
            SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
            return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    || s == SSLEngineResult.HandshakeStatus.FINISHED;
        }

        /** Does what the engine asks for next; false if that is a datagram that has not arrived. */
        boolean handshakeStep() throws IOException {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK:
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                    return true;
                case NEED_WRAP:
                    wrapAndSend(NOTHING);
                    return true;
                case NEED_UNWRAP:
                    if (!netIn.hasRemaining() && !readDatagram()) {
                        return false;
                    }
                    handshakeApp.clear();
                    unwrap(handshakeApp);
                    return true;
                case NEED_UNWRAP_AGAIN:
                    handshakeApp.clear();
                    engine.unwrap(NOTHING, handshakeApp);
                    return true;
                default:
                    return false;
            }
        }

        /** After a quiet second: an engine waiting for the peer's flight sends its own again. */
        void resendFlight() throws IOException {
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                wrapAndSend(NOTHING);
            }
        }

        /** One record of application data (or a handshake flight) in one datagram. */
        void send(ByteBuffer app) throws IOException {
            wrapAndSend(app);
        }

        /** The next record's application data into {@code app}; returns its length. */
        int receive(ByteBuffer app) throws IOException {
            long stalledSince = 0;
            for (;;) {
                if (!netIn.hasRemaining() && !readDatagram()) {
                    // On loopback a datagram is queued before send returns; this only bounds a lost one.
                    long now = System.nanoTime();
                    if (stalledSince == 0) {
                        stalledSince = now;
                    } else if (now - stalledSince > STALL_NANOS) {
                        throw new SSLException("no datagram for 5 s");
                    }
                    Thread.onSpinWait();
                    continue;
                }
                int produced = unwrap(app);
                if (produced > 0) {
                    return produced;
                }
            }
        }

        private void wrapAndSend(ByteBuffer app) throws IOException {
            netOut.clear();
            SSLEngineResult result = engine.wrap(app, netOut);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + result);
            }
            netOut.flip();
            if (netOut.hasRemaining()) {
                channel.write(netOut);
            }
        }

        private boolean readDatagram() throws IOException {
            netIn.clear();
            int n = channel.read(netIn);
            netIn.flip();
            return n > 0;
        }

        private int unwrap(ByteBuffer app) throws IOException {
            SSLEngineResult result = engine.unwrap(netIn, app);
            if (result.bytesConsumed() == 0) {
                netIn.position(netIn.limit()); // nothing the engine can use: never spin on it
            }
            switch (result.getStatus()) {
                case OK:
                    return result.bytesProduced();
                case BUFFER_UNDERFLOW:
                    netIn.position(netIn.limit()); // a partial record cannot complete in DTLS: drop it
                    return 0;
                default:
                    throw new SSLException("unwrap: " + result);
            }
        }

        void close() throws IOException {
            engine.closeOutbound();
            channel.close();
        }
    }
}
