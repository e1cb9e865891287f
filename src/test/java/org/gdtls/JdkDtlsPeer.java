package org.gdtls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The JDK's DTLS 1.2 ({@link SSLEngine} over a {@link DatagramChannel}) as a command-line peer of the interop
 * matrix, beside {@code openssl s_client}/{@code s_server} and {@code gnutls-cli}/{@code gnutls-serv}:
 * <pre>
 *   JdkDtlsPeer server --ca FILE --cert FILE --key FILE [--port P] [--auth none|request|require] [--alpn a,b] [--echo]
 *   JdkDtlsPeer client HOST:PORT --ca FILE [--cert FILE --key FILE] [--alpn a,b] [--server-name NAME]
 * </pre>
 * stdin lines become datagrams; stdout gets {@code LISTENING port}, {@code HANDSHAKE protocol=.. alpn=..
 * peer=..}, {@code DATA text} per datagram, {@code CLOSED} when the peer sent close_notify, or {@code ERROR
 * message} (exit 1). At the end of stdin it sends close_notify and exits 0. The server serves the first peer
 * that writes to it; the JDK's server does the cookie exchange (HelloVerifyRequest) GIO never does. The client
 * checks the server's name (endpoint identification "HTTPS"), as GIO does.
 */
final class JdkDtlsPeer {
    private static final long RESEND_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final DatagramChannel channel;
    private final Selector selector;
    private final boolean echo;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer app;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private volatile boolean endOfInput;

    private JdkDtlsPeer(SSLEngine engine, DatagramChannel channel, boolean echo) throws IOException {
        this.engine = engine;
        this.channel = channel;
        this.echo = echo;
        selector = Selector.open();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netIn.flip();
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--echo")) {
                options.put("--echo", "");
            } else if (args[i].startsWith("--")) {
                options.put(args[i], args[++i]);
            } else {
                options.put("target", args[i]);
            }
        }
        JdkDtlsPeer peer;
        try {
            peer = args[0].equals("server") ? server(options) : client(options);
        } catch (IOException e) {
            say("ERROR " + e);
            System.exit(1);
            return;
        }
        System.exit(peer.run());
    }

    private static SSLEngine engine(Map<String, String> options, String peerHost, int peerPort) throws Exception {
        SSLContext context = SSLContext.getInstance("DTLSv1.2");
        String cert = options.get("--cert");
        context.init(cert == null ? null : JdkPem.keyManager(Path.of(cert), Path.of(options.get("--key"))).getKeyManagers(),
                JdkPem.trustManager(Path.of(options.get("--ca"))).getTrustManagers(), null);
        SSLEngine engine = peerHost == null ? context.createSSLEngine() : context.createSSLEngine(peerHost, peerPort);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setMaximumPacketSize(1400); // GIO's fixed MTU
        if (options.containsKey("--alpn")) {
            parameters.setApplicationProtocols(options.get("--alpn").split(","));
        }
        if (peerHost != null) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        switch (options.getOrDefault("--auth", "none")) {
            case "request" -> parameters.setWantClientAuth(true);
            case "require" -> parameters.setNeedClientAuth(true);
            default -> { }
        }
        engine.setSSLParameters(parameters);
        engine.setUseClientMode(peerHost != null);
        return engine;
    }

    /** Binds 127.0.0.1:P (default 0), says its port, and takes the first peer that writes as its one peer. */
    private static JdkDtlsPeer server(Map<String, String> options) throws Exception {
        SSLEngine engine = engine(options, null, 0);
        DatagramChannel channel = DatagramChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(options.getOrDefault("--port", "0"))));
        say("LISTENING " + ((InetSocketAddress) channel.getLocalAddress()).getPort());
        ByteBuffer first = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SocketAddress client = channel.receive(first); // blocking: the test bounds the process
        channel.connect(client);
        JdkDtlsPeer peer = new JdkDtlsPeer(engine, channel, options.containsKey("--echo"));
        peer.netIn.clear();
        peer.netIn.put(first.flip()).flip();
        return peer;
    }

    private static JdkDtlsPeer client(Map<String, String> options) throws Exception {
        String target = options.get("target");
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        SSLEngine engine = engine(options, options.getOrDefault("--server-name", host), port);
        DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.connect(new InetSocketAddress(host, port));
        return new JdkDtlsPeer(engine, channel, false);
    }

    private int run() throws IOException {
        try {
            handshake();
        } catch (SSLException e) {
            say("ERROR " + e.getMessage());
            sendAlert();
            return 1;
        }
        say("HANDSHAKE protocol=" + engine.getSession().getProtocol() + " alpn=" + engine.getApplicationProtocol()
                + " peer=" + peerSubject());
        Thread stdin = new Thread(this::readStdin, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        try {
            return exchange();
        } catch (SSLException e) {
            say("ERROR " + e.getMessage());
            return 1;
        }
    }

    private String peerSubject() {
        try {
            return ((X509Certificate) engine.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return "none";
        }
    }

    /** Does what the engine asks for; a flight is sent again after a quiet second (the engine retransmits on wrap). */
    private void handshake() throws IOException {
        engine.beginHandshake();
        long start = System.nanoTime();
        long lastProgress = start;
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
                return;
            }
            long now = System.nanoTime();
            if (now - start > GIVE_UP_NANOS) {
                throw new SSLException("handshake not done in 30 s");
            }
            switch (status) {
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                }
                case NEED_WRAP -> wrapAndSend(NOTHING);
                case NEED_UNWRAP_AGAIN -> unwrap(NOTHING);
                case NEED_UNWRAP -> {
                    if (netIn.hasRemaining() || readDatagram()) {
                        unwrap(netIn);
                        lastProgress = System.nanoTime();
                    } else if (now - lastProgress > RESEND_AFTER_NANOS) {
                        wrapAndSend(NOTHING);
                        lastProgress = now;
                    } else {
                        waitForDatagram(10);
                    }
                }
                default -> throw new SSLException("unexpected handshake status " + status);
            }
        }
    }

    /** Datagrams to stdout (and back, with --echo), stdin lines to datagrams, until close_notify or end of input. */
    private int exchange() throws IOException {
        while (true) {
            for (String line; (line = lines.poll()) != null; ) {
                wrapAndSend(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            }
            if (endOfInput && lines.isEmpty()) {
                engine.closeOutbound();
                wrapAndSend(NOTHING); // close_notify
                return 0;
            }
            if (!netIn.hasRemaining() && !readDatagram()) {
                waitForDatagram(50);
                continue;
            }
            app.clear();
            SSLEngineResult result = unwrap(netIn);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                say("CLOSED");
                if (!engine.isOutboundDone()) {
                    engine.closeOutbound();
                    wrapAndSend(NOTHING);
                }
                return 0;
            }
            if (result.bytesProduced() > 0) {
                byte[] data = new byte[app.flip().remaining()];
                app.get(data);
                say("DATA " + new String(data, StandardCharsets.UTF_8));
                if (echo) {
                    wrapAndSend(ByteBuffer.wrap(data));
                }
            }
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapAndSend(NOTHING); // a retransmitted last flight, answered
            }
        }
    }

    private void readStdin() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                selector.wakeup();
            }
        } catch (IOException e) {
            // stdin closed: same as its end
        }
        endOfInput = true;
        selector.wakeup();
    }

    /** After a failed handshake the engine may hold the alert it wants to send. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                wrapAndSend(NOTHING);
            }
        } catch (IOException e) {
            // the alert is a courtesy
        }
    }

    private void wrapAndSend(ByteBuffer data) throws IOException {
        netOut.clear();
        SSLEngineResult result = engine.wrap(data, netOut);
        if (result.getStatus() != SSLEngineResult.Status.OK && result.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new SSLException("wrap: " + result);
        }
        if (netOut.flip().hasRemaining()) {
            channel.write(netOut);
        }
    }

    private SSLEngineResult unwrap(ByteBuffer in) throws IOException {
        app.clear();
        SSLEngineResult result = engine.unwrap(in, app);
        if (result.bytesConsumed() == 0 || result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            in.position(in.limit()); // nothing the engine can use (a partial record cannot complete in DTLS)
        }
        return result;
    }

    private boolean readDatagram() throws IOException {
        netIn.clear();
        int n;
        try {
            n = channel.read(netIn);
        } catch (java.net.PortUnreachableException e) {
            n = 0; // the peer is not there (yet, or any more): as GIO, go on until the handshake deadline
        }
        netIn.flip();
        return n > 0;
    }

    private void waitForDatagram(long millis) throws IOException {
        selector.select(millis);
        selector.selectedKeys().clear();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
