package org.gdtls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A legitimate DTLS session, recorded on the wire: every datagram each way, in order. The client is the binding's
 * {@link DtlsClientConnection} over a {@link CustomTransport} whose datagrams travel through a JDK
 * {@link DatagramChannel} (the recorder: it sends the client's datagrams and receives the server's), so the
 * client's wire address is that channel's, which the recording keeps open: {@link HostileTraffic} can later send
 * from it, i.e. from the session's original source address.
 *
 * <p>Two ways to record: {@link #loopbackSession} makes its own server (a {@link DtlsServerConnection} on a
 * {@link UdpSocket}, the test PKI's server.pem), {@link #sessionWith} talks to a server that is already running
 * (e.g. a multi-peer server under test). Both leave the session open (client, and server if it is ours) until
 * {@link #close}; datagrams after the recording ended are not recorded, only counted ({@link #bytesBack}).
 */
final class Recording implements AutoCloseable {
    /** Which way a datagram went. */
    enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    /** One datagram on the wire. */
    record Datagram(Direction direction, byte[] bytes) {
        @Override
        public String toString() {
            return direction + " " + bytes.length + " bytes, content type " + (bytes.length > 0 ? bytes[0] : -1);
        }
    }

    private static final Duration BOUND = Duration.ofSeconds(20);

    private final DatagramChannel channel;
    private final InetSocketAddress server;
    private final CustomTransport transport;
    private final DtlsClientConnection client;
    private final List<Datagram> live = new ArrayList<>();
    private final AtomicLong bytesBack = new AtomicLong();
    private final AtomicLong datagramsBack = new AtomicLong();
    private final Thread reader;
    private volatile boolean recording = true;
    private volatile Throwable readerFailure;
    private List<Datagram> datagrams = List.of();
    // our own server, for loopbackSession
    private UdpSocket serverSocket;
    private DtlsServerConnection serverConnection;

    private Recording(InetSocketAddress server) throws IOException {
        this.server = server;
        channel = DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        transport = CustomTransport.create(datagram -> {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.duplicate().get(bytes);
            record(Direction.CLIENT_TO_SERVER, bytes);
            channel.send(ByteBuffer.wrap(bytes), server);
        });
        DtlsClientConnection created;
        try {
            created = DtlsClientConnection.create(transport, "server.example.com");
            try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                created.setDatabase(db);
            }
        } catch (GioException e) {
            transport.close();
            channel.close();
            throw new IOException(e);
        }
        client = created;
        reader = new Thread(this::read, "recording-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Records a whole session with a server of its own on 127.0.0.1: handshake, then {@code exchanges} datagrams
     * "app-0", "app-1", ... from the client, each echoed by the server. The datagrams follow the handshake in
     * the recording: client → server records of content type 23, then the echo.
     */
    static Recording loopbackSession(int exchanges) throws Exception {
        UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Recording r;
        try {
            r = new Recording(serverSocket.localAddress());
        } catch (IOException | RuntimeException e) {
            serverSocket.close();
            throw e;
        }
        try {
            r.serverSocket = serverSocket;
            serverSocket.connect(r.clientAddress());
            try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                    LoopbackPair.pki("server-key.pem"))) {
                r.serverConnection = DtlsServerConnection.create(serverSocket, cert);
            }
            DtlsServerConnection server = r.serverConnection;
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try {
                    server.handshake(BOUND);
                    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                    for (int i = 0; i < exchanges; i++) {
                        server.receive(buf.clear(), BOUND);
                        server.send(buf.flip());
                    }
                } catch (GioException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, TestThreads.BLOCKING);
            r.run(exchanges, true);
            serverSide.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            r.freeze();
            return r;
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
    }

    /**
     * Records a session with a server already listening at {@code server} (its certificate must be the test
     * PKI's, for server.example.com): handshake, then {@code exchanges} datagrams "app-0", "app-1", ...; if
     * {@code echoed}, the client waits for each one's echo (bounded), else it only sends them.
     */
    static Recording sessionWith(InetSocketAddress server, int exchanges, boolean echoed) throws Exception {
        Recording r = new Recording(server);
        try {
            r.run(exchanges, echoed);
            r.freeze();
            return r;
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
    }

    private void run(int exchanges, boolean echoed) throws Exception {
        client.handshake(BOUND);
        ByteBuffer reply = ByteBuffer.allocateDirect(2048);
        for (int i = 0; i < exchanges; i++) {
            byte[] text = ("app-" + i).getBytes(StandardCharsets.US_ASCII);
            client.send(ByteBuffer.wrap(text));
            if (echoed) {
                client.receive(reply.clear(), BOUND);
                reply.flip();
                if (!ByteBuffer.wrap(text).equals(reply)) {
                    throw new IllegalStateException("echo of app-" + i + " differs: "
                            + StandardCharsets.ISO_8859_1.decode(reply));
                }
            }
        }
        if (readerFailure != null) {
            throw new IllegalStateException("recorder failed", readerFailure);
        }
    }

    private synchronized void record(Direction direction, byte[] bytes) {
        if (recording) {
            live.add(new Datagram(direction, bytes));
        }
    }

    /** Ends the recording: later datagrams are only counted. */
    private synchronized void freeze() {
        recording = false;
        datagrams = List.copyOf(live);
    }

    private void read() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                buf.flip();
                byte[] bytes = new byte[buf.remaining()];
                buf.get(bytes);
                if (!recording) {
                    bytesBack.addAndGet(bytes.length);
                    datagramsBack.incrementAndGet();
                }
                if (from.equals(server)) {
                    record(Direction.SERVER_TO_CLIENT, bytes);
                    transport.deliver(ByteBuffer.wrap(bytes));
                }
            }
        } catch (ClosedChannelException stopped) {
            // close() ends the reader
        } catch (Throwable t) {
            readerFailure = t;
        }
    }

    /** The recorded datagrams, both ways, in the order the recorder saw them (empty while recording). */
    synchronized List<Datagram> datagrams() {
        return datagrams;
    }

    /** The recorded datagrams in one direction, in order. */
    List<byte[]> datagrams(Direction direction) {
        return datagrams().stream().filter(d -> d.direction() == direction).map(Datagram::bytes).toList();
    }

    /** The client's first datagram: its ClientHello. */
    byte[] clientHello() {
        return datagrams(Direction.CLIENT_TO_SERVER).get(0);
    }

    /** The session's original source address: the client's, as the server saw it. */
    InetSocketAddress clientAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** The server the session was with. */
    InetSocketAddress serverAddress() {
        return server;
    }

    /** The session's client connection, still open (its handshake done). */
    DtlsClientConnection client() {
        return client;
    }

    /** Sends {@code datagram} from the original source address to {@code target} (for HostileTraffic). */
    int sendFromClientAddress(ByteBuffer datagram, InetSocketAddress target) throws IOException {
        return channel.send(datagram, target);
    }

    /** Bytes that reached the original source address, from anyone, after the recording ended. */
    long bytesBack() {
        return bytesBack.get();
    }

    /** Datagrams that reached the original source address, from anyone, after the recording ended. */
    long datagramsBack() {
        return datagramsBack.get();
    }

    /** Closes the client (close_notify), our server if any, the recorder's channel and transport. */
    @Override
    public void close() throws IOException {
        try {
            closeQuietly(client);
            closeQuietly(serverConnection);
        } finally {
            channel.close();
            transport.close();
            if (serverSocket != null) {
                serverSocket.close();
            }
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(DtlsConnection conn) {
        if (conn == null) {
            return;
        }
        try {
            conn.close(Duration.ofSeconds(2));
        } catch (GioException ignored) {
            // the session's end is not what a recording is about
        }
    }

    @Override
    public String toString() {
        return "Recording[" + datagrams().size() + " datagrams with " + server + "]";
    }
}
