package org.gdtls.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import org.gdtls.DtlsServerConnection;
import org.gdtls.Gdtls;
import org.gdtls.GioException;
import org.gdtls.GioUnavailableException;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;
import org.gdtls.PeerTransport;
import org.gdtls.TlsAuthenticationMode;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsCertificateFlags;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;
import org.gdtls.cli.Output.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gdtls server}: many DTLS clients on one UDP port. The main thread reads the shared socket and hands each
 * datagram to its sender's {@link PeerTransport}; each peer has a thread that runs its connection.
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        header = "DTLS server for many clients on one UDP port",
        customSynopsis = {
            "gdtls server [--bind ADDR] --port P --cert FILE --key FILE [--ca FILE]",
            "       [--auth none|request|require] [--alpn a,b] [--echo] [--max-peers N]",
            "       [--idle-timeout S] [--json]"},
        description = {
            "Serves DTLS clients on one UDP port, each in its own session. Reports a line per peer handshake, "
                    + "datagram and close on stdout (with --json, one JSON object per line: listening, handshake, "
                    + "datagram, refused, error and close events).",
            "Runs until interrupted; Ctrl-C sends close_notify to every peer first."})
final class ServerCommand implements Callable<Integer> {
    private static final int MAX_DATAGRAM = 16 * 1024;
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

    /** The values of --auth, as gnutls-serv users say them. */
    enum Auth {
        none(TlsAuthenticationMode.NONE), request(TlsAuthenticationMode.REQUESTED), require(TlsAuthenticationMode.REQUIRED);

        final TlsAuthenticationMode mode;

        Auth(TlsAuthenticationMode mode) {
            this.mode = mode;
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "local address to listen on (default ${DEFAULT-VALUE}: every IPv4 interface; :: for IPv6)")
    private String bind;

    @Option(names = "--port", paramLabel = "P", required = true, converter = Conversions.PortConverter.class,
            description = "UDP port (0: any free port; the listening report names it)")
    private int port;

    @Option(names = "--cert", paramLabel = "FILE", required = true, description = "server certificate (PEM)")
    private Path cert;

    @Option(names = "--key", paramLabel = "FILE", required = true, description = "its private key (PEM)")
    private Path key;

    @Option(names = "--ca", paramLabel = "FILE", description = "CA certificates (PEM) that validate client certificates")
    private Path ca;

    @Option(names = "--auth", paramLabel = "none|request|require", defaultValue = "none",
            description = "ask clients for a certificate (default ${DEFAULT-VALUE}); one is accepted only if it "
                    + "validates (against --ca, else the system's trust store)")
    private Auth auth;

    @Option(names = "--alpn", paramLabel = "a,b", split = ",", hideParamSyntax = true, description = "ALPN protocols to accept")
    private List<String> alpn;

    @Option(names = "--echo", description = "send each datagram back to its peer")
    private boolean echo;

    @Option(names = "--max-peers", paramLabel = "N", defaultValue = "64",
            description = "sessions at once; datagrams from further peers are dropped (default ${DEFAULT-VALUE})")
    private int maxPeers;

    @Option(names = "--idle-timeout", paramLabel = "S", defaultValue = "60", converter = Conversions.SecondsConverter.class,
            description = "drop a peer whose handshake has not ended, or that has sent nothing, for S seconds "
                    + "(default ${DEFAULT-VALUE})")
    private Duration idleTimeout;

    @Option(names = "--json", description = "JSON events on stdout, one per line")
    private boolean json;

    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private Output out;
    private UdpSocket shared;
    private TlsCertificate certificate;
    private TlsDatabase trust;

    @Override
    public Integer call() throws Exception {
        if (maxPeers < 1) {
            throw new ParameterException(spec.commandLine(), "--max-peers must be at least 1");
        }
        if (idleTimeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--idle-timeout must be more than 0");
        }
        InetAddress local;
        try {
            local = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind " + bind + ": not an address of this machine");
        }
        out = new Output(json, System.out);
        try {
            Gdtls.load();
        } catch (GioUnavailableException e) {
            return out.fail(e, null);
        }
        try (TlsCertificate serverCertificate = TlsCertificate.fromFiles(cert, key);
             TlsDatabase clientTrust = ca == null ? null : TlsDatabase.fromFile(ca);
             UdpSocket socket = UdpSocket.bind(new InetSocketAddress(local, port))) {
            certificate = serverCertificate;
            trust = clientTrust;
            shared = socket;
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "gdtls-interrupt"));
            String address = Output.address(socket.localAddress());
            out.report(Json.event("listening").put("address", address).put("backend", Gdtls.tlsBackendName()),
                    "listening on " + address + " (" + Gdtls.tlsBackendName() + ")");
            return demultiplex();
        } catch (GioException e) {
            return out.fail(e, null);
        }
    }

    /** Reads the shared socket and hands each datagram to its sender's transport, making one for a new sender. */
    private int demultiplex() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        while (!stopping) {
            InetSocketAddress from;
            try {
                from = shared.receiveFrom(buffer.clear(), null, null);
            } catch (GioException e) {
                if (stopping) {
                    break; // the shutdown hook closed the socket
                }
                return out.fail(e, null);
            }
            ByteBuffer datagram = buffer.flip();
            Peer peer = peers.get(from);
            if (peer == null) {
                if (stopping || !isClientHello(datagram)) {
                    continue; // e.g. the close_notify a client answers ours with, once its session has ended
                }
                if (peers.size() >= maxPeers) {
                    out.report(Json.event("refused").put("peer", Output.address(from)).put("reason", "max-peers"),
                            Output.address(from) + " refused (" + maxPeers + " peers already)");
                    continue;
                }
                peer = new Peer(from);
                peers.put(from, peer);
                peer.thread.start();
            }
            try {
                peer.transport.deliver(datagram);
            } catch (IllegalStateException ended) {
                // the peer's session ended (idle, close_notify) between the lookup and the delivery: a datagram
                // for a session that is gone, dropped as one from an unknown sender would be
            }
        }
        return GdtlsCommand.OK;
    }

    /**
     * Whether a datagram opens with a ClientHello (a DTLS record of content type 22, handshake, whose message is of
     * type 1): only such a datagram starts a session for an unknown sender.
     */
    private static boolean isClientHello(ByteBuffer datagram) {
        int at = datagram.position();
        return datagram.remaining() > 13 && datagram.get(at) == 22 && datagram.get(at + 13) == 1;
    }

    /** Shutdown hook: every peer's session ends with close_notify, then the socket closes. */
    private void stop() {
        stopping = true;
        peers.values().forEach(p -> p.transport.shut()); // their receives and handshakes fail with CLOSED at once
        for (Peer peer : peers.values()) {
            try {
                peer.thread.join(CLOSE_BOUND.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        shared.close();
    }

    /** One client: its transport over the shared socket, and the thread that runs its connection. */
    private final class Peer {
        final InetSocketAddress address;
        final String name;
        final PeerTransport transport;
        final Thread thread;
        private volatile Set<TlsCertificateFlags> clientErrors;

        Peer(InetSocketAddress address) {
            this.address = address;
            this.name = Output.address(address);
            this.transport = PeerTransport.create(shared, address);
            this.thread = new Thread(this::serve, "gdtls-peer " + name);
            thread.setDaemon(true);
        }

        private void serve() {
            String reason = "error";
            DtlsServerConnection conn = null;
            String during = "handshake";
            try {
                conn = DtlsServerConnection.create(transport, certificate);
                conn.setAuthenticationMode(auth.mode);
                if (trust != null) {
                    conn.setDatabase(trust);
                }
                if (alpn != null) {
                    conn.setAdvertisedProtocols(alpn);
                }
                // A server emits accept-certificate for every client certificate, valid ones too: accept the valid.
                conn.onAcceptCertificate((c, clientCertificate, errors) -> {
                    clientErrors = errors;
                    return errors.isEmpty();
                });
                long start = System.nanoTime();
                conn.handshake(idleTimeout);
                handshaken(conn, (System.nanoTime() - start) / 1e6);
                during = "session";
                reason = session(conn);
            } catch (IOErrorException e) {
                reason = ended(e, during);
            } catch (GioException e) {
                reason = stopping ? "interrupted" : failed(e, during);
            } finally {
                if (conn != null) {
                    try {
                        conn.close(CLOSE_BOUND); // close_notify
                    } catch (GioException e) {
                        // the session is over either way; a peer that vanished cannot be told
                    }
                }
                peers.remove(address, this); // first: the demultiplexer finds no closed transport from now on
                transport.close();
                out.report(Json.event("close").put("peer", name).put("reason", reason), name + " close (" + reason + ")");
            }
        }

        /** Datagrams until the peer's close_notify; each reported and, with --echo, sent back. */
        private String session(DtlsServerConnection conn) throws GioException {
            ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
            while (true) {
                if (conn.receive(buffer.clear(), idleTimeout) < 0) {
                    return "close_notify";
                }
                ByteBuffer datagram = buffer.flip();
                out.report(Output.datagram(Json.event("datagram").put("peer", name), datagram),
                        name + " datagram " + Output.datagramText(datagram));
                if (echo) {
                    conn.send(datagram);
                }
            }
        }

        private String ended(IOErrorException e, String during) {
            if (stopping && e.code() == IOErrorEnum.CLOSED) {
                return "interrupted";
            }
            if (e.code() == IOErrorEnum.TIMED_OUT) {
                return "idle";
            }
            return failed(e, during);
        }

        private String failed(GioException e, String during) {
            Json event = Json.event("error").put("peer", name).put("during", during);
            Set<TlsCertificateFlags> errors = clientErrors;
            if (errors != null && !errors.isEmpty()) {
                event.put("peer_errors", errors.stream().map(Enum::name).toList());
            }
            if (json) {
                out.fail(e, event);
            } else {
                out.report(null, name + " error during " + during + ": " + e.domain() + ":" + e.rawCode() + " "
                        + e.getMessage() + (errors != null && !errors.isEmpty()
                                ? " (client certificate: " + Output.flags(errors) + ")" : ""));
            }
            return "error";
        }

        private void handshaken(DtlsServerConnection conn, double handshakeMs) {
            String subject = null;
            String issuer = null;
            try (TlsCertificate client = conn.peerCertificate()) {
                if (client != null) {
                    subject = client.subjectName();
                    issuer = client.issuerName();
                }
            }
            Set<TlsCertificateFlags> errors = conn.peerCertificateErrors();
            Json event = Json.event("handshake").put("peer", name).put("protocol", conn.protocolVersion().name())
                    .put("ciphersuite", conn.ciphersuiteName()).put("alpn", conn.negotiatedProtocol())
                    .put("peer_subject", subject).put("peer_issuer", issuer)
                    .put("peer_errors", errors.stream().map(Enum::name).toList())
                    .put("handshake_ms", Math.round(handshakeMs));
            String text = name + " handshake " + conn.protocolVersion() + " " + conn.ciphersuiteName()
                    + " alpn=" + Objects.requireNonNullElse(conn.negotiatedProtocol(), "(none)")
                    + (subject == null ? " client-certificate=(none)"
                            : " client-certificate=\"" + subject + "\" issuer=\"" + issuer + "\" errors=" + Output.flags(errors))
                    + String.format(" %.1f ms", handshakeMs);
            out.report(event, text);
        }
    }
}
