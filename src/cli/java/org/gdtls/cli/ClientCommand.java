package org.gdtls.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.gdtls.Cancellable;
import org.gdtls.DtlsClientConnection;
import org.gdtls.Gdtls;
import org.gdtls.GioException;
import org.gdtls.GioUnavailableException;
import org.gdtls.IOErrorEnum;
import org.gdtls.IOErrorException;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsCertificateFlags;
import org.gdtls.TlsChannelBindingType;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;
import org.gdtls.cli.Conversions.HostPort;
import org.gdtls.cli.Output.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gdtls client}: a DTLS client between stdin/stdout and a server, like {@code gnutls-cli --udp}. */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        header = "DTLS client: stdin lines to datagrams, datagrams to stdout",
        customSynopsis = {
            "gdtls client HOST:PORT [--ca FILE | --insecure]",
            "       [--cert FILE --key FILE | --pkcs12 FILE [--password-env VAR]]",
            "       [--alpn a,b] [--server-name NAME] [--timeout S] [--linger S] [--json]"},
        description = {
            "Connects to a DTLS server. Each line of stdin is sent as one datagram (without its newline); each "
                    + "datagram received is written to stdout, followed by a newline. The handshake summary (version, "
                    + "ciphersuite, ALPN, the server's certificate and its validation errors, tls-unique channel "
                    + "binding) goes to stderr. With --json, stdout carries one JSON object per line instead: "
                    + "handshake, datagram, warning, error and close events.",
            "At the end of stdin (after --linger) the client sends close_notify and exits 0; so does it when the "
                    + "server closes. Ctrl-C sends close_notify too."})
final class ClientCommand implements Callable<Integer> {
    private static final int MAX_DATAGRAM = 16 * 1024;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", converter = Conversions.HostPortConverter.class,
            description = "the server (an IPv6 address in brackets: [::1]:4433)")
    private HostPort target;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "CA certificates (PEM) that validate the server; default: the system's trust store")
    private Path ca;

    @Option(names = "--insecure",
            description = "accept the server's certificate whatever its validation errors (they are still reported)")
    private boolean insecure;

    @Option(names = "--cert", paramLabel = "FILE", description = "client certificate (PEM), with --key")
    private Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "the client certificate's private key (PEM)")
    private Path key;

    @Option(names = "--pkcs12", paramLabel = "FILE", description = "client certificate and key as PKCS#12")
    private Path pkcs12;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "the environment variable that holds the PKCS#12 password")
    private String passwordEnv;

    @Option(names = "--alpn", paramLabel = "a,b", split = ",", hideParamSyntax = true, description = "ALPN protocols to offer")
    private List<String> alpn;

    @Option(names = "--server-name", paramLabel = "NAME",
            description = "the name the server's certificate must match (and SNI); default: HOST")
    private String serverName;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "10", converter = Conversions.SecondsConverter.class,
            description = "bound of the handshake and of the close, in seconds (default ${DEFAULT-VALUE})")
    private Duration timeout;

    @Option(names = "--linger", paramLabel = "S", defaultValue = "0", converter = Conversions.SecondsConverter.class,
            description = "after the end of stdin, go on printing datagrams until none has come for S seconds "
                    + "(default ${DEFAULT-VALUE}: close at once)")
    private Duration linger;

    @Option(names = "--json", description = "JSON events on stdout, one per line")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        String password = checkOptions();
        Output out = new Output(json, System.err);
        InetSocketAddress server;
        try {
            server = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            return out.fail(new UnknownHostException("unknown host " + target.host()), null);
        }
        try {
            Gdtls.load();
        } catch (GioUnavailableException e) {
            return out.fail(e, null);
        }
        byte[] any = new byte[server.getAddress() instanceof Inet6Address ? 16 : 4];
        try (TlsDatabase trust = ca == null ? null : TlsDatabase.fromFile(ca);
             TlsCertificate certificate = certificate(password);
             UdpSocket socket = UdpSocket.bind(new InetSocketAddress(InetAddress.getByAddress(any), 0))) {
            socket.connect(server);
            String identity = serverName != null ? serverName : target.host();
            Session session = new Session(DtlsClientConnection.create(socket, identity), out);
            return session.run(trust, certificate, Output.address(server), identity);
        } catch (IOException e) { // GioException among them
            return out.fail(e, null);
        }
    }

    /** The combinations the synopsis rules out, as usage errors; returns the PKCS#12 password, if any. */
    private String checkOptions() {
        if (ca != null && insecure) {
            throw usage("--ca and --insecure exclude each other");
        }
        if ((cert == null) != (key == null)) {
            throw usage("--cert and --key go together");
        }
        if (pkcs12 != null && cert != null) {
            throw usage("--pkcs12 excludes --cert and --key");
        }
        if (passwordEnv != null && pkcs12 == null) {
            throw usage("--password-env goes with --pkcs12");
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be more than 0");
        }
        if (passwordEnv == null) {
            return null;
        }
        String password = System.getenv(passwordEnv);
        if (password == null) {
            throw usage("--password-env " + passwordEnv + ": that environment variable is not set");
        }
        return password;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private TlsCertificate certificate(String password) throws GioException, IOException {
        if (cert != null) {
            return TlsCertificate.fromFiles(cert, key);
        }
        if (pkcs12 == null) {
            return null;
        }
        if (password != null) {
            return TlsCertificate.fromFileWithPassword(pkcs12, password);
        }
        byte[] data;
        try {
            data = Files.readAllBytes(pkcs12);
        } catch (IOException e) {
            throw new IOException("cannot read --pkcs12 " + pkcs12 + " (" + e.getClass().getSimpleName() + ")", e);
        }
        return TlsCertificate.fromPkcs12(data, null);
    }

    /**
     * One connection: the handshake on the calling thread, then a receiver thread (stdout) and a stdin thread
     * (sends) until one of them ends the session; a shutdown hook closes it on Ctrl-C.
     */
    private final class Session {
        private final DtlsClientConnection conn;
        private final Output out;
        /** Completed with the reason the session ends ("eof", "peer"), or with the failure that ends it. */
        private final CompletableFuture<String> ended = new CompletableFuture<>();
        /** Unblocks the receiver: close() waits for a blocking receive otherwise. */
        private final Cancellable stopReceiving = new Cancellable();
        private volatile Set<TlsCertificateFlags> validationErrors;
        private volatile boolean closing;
        private volatile long lastReceived;
        private boolean closed; // guarded by this
        private Thread receiver;

        Session(DtlsClientConnection conn, Output out) {
            this.conn = conn;
            this.out = out;
        }

        int run(TlsDatabase trust, TlsCertificate certificate, String peer, String identity) throws InterruptedException {
            if (trust != null) {
                conn.setDatabase(trust);
            }
            if (certificate != null) {
                conn.setCertificate(certificate);
            }
            if (alpn != null) {
                conn.setAdvertisedProtocols(alpn);
            }
            // Runs only when validation failed: --insecure accepts, otherwise the handshake fails as by default.
            conn.onAcceptCertificate((c, serverCertificate, errors) -> {
                validationErrors = errors;
                return insecure;
            });
            if (insecure) {
                out.warn("--insecure: the server's certificate is accepted whatever its validation errors");
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close("interrupted"), "gdtls-interrupt"));

            long start = System.nanoTime();
            try {
                conn.handshake(timeout);
            } catch (GioException e) {
                close(null);
                return handshakeFailed(e);
            }
            if (closing) {
                return GdtlsCommand.INTERRUPTED; // Ctrl-C during the handshake: the hook has closed
            }
            lastReceived = System.nanoTime();
            summary(peer, identity, (lastReceived - start) / 1e6);

            receiver = daemon("gdtls-receive", this::receive);
            daemon("gdtls-stdin", this::sendLines);
            try {
                close(ended.get());
                return GdtlsCommand.OK;
            } catch (ExecutionException e) {
                close(null);
                return out.fail(e.getCause(), null);
            }
        }

        private int handshakeFailed(GioException e) {
            Set<TlsCertificateFlags> errors = validationErrors;
            Json event = Json.event("error").put("during", "handshake");
            if (errors != null) {
                event.put("peer_errors", errors.stream().map(Enum::name).toList());
                if (!out.json()) {
                    System.err.println("gdtls: the server's certificate failed validation: " + Output.flags(errors)
                            + (ca == null ? " (give its CA with --ca FILE, or --insecure)" : ""));
                }
            }
            return out.fail(e, event);
        }

        private void summary(String peer, String identity, double handshakeMs) {
            Set<TlsCertificateFlags> errors = conn.peerCertificateErrors();
            String subject = null;
            String issuer = null;
            try (TlsCertificate server = conn.peerCertificate()) {
                if (server != null) {
                    subject = server.subjectName();
                    issuer = server.issuerName();
                }
            }
            String unique;
            String uniqueText;
            try {
                unique = HexFormat.of().formatHex(conn.channelBindingData(TlsChannelBindingType.TLS_UNIQUE));
                uniqueText = unique;
            } catch (GioException e) {
                unique = null;
                uniqueText = "unavailable (" + e.domain() + ":" + e.rawCode() + " " + e.getMessage() + ")";
            }
            Json event = Json.event("handshake").put("peer", peer).put("server_name", identity)
                    .put("protocol", conn.protocolVersion().name()).put("ciphersuite", conn.ciphersuiteName())
                    .put("alpn", conn.negotiatedProtocol()).put("peer_subject", subject).put("peer_issuer", issuer)
                    .put("peer_errors", errors.stream().map(Enum::name).toList()).put("insecure", insecure)
                    .put("tls_unique", unique).put("handshake_ms", Math.round(handshakeMs));
            String text = String.join("\n",
                    line("connected", peer + " as " + identity),
                    line("protocol", conn.protocolVersion()),
                    line("ciphersuite", conn.ciphersuiteName()),
                    line("alpn", Objects.requireNonNullElse(conn.negotiatedProtocol(), "(none)")),
                    line("peer subject", subject),
                    line("peer issuer", issuer),
                    line("peer errors", Output.flags(errors) + (insecure && !errors.isEmpty() ? " (accepted: --insecure)" : "")),
                    line("tls-unique", uniqueText),
                    line("handshake", String.format("%.1f ms", handshakeMs)));
            out.report(event, text);
        }

        private static String line(String key, Object value) {
            return String.format("%-13s %s", key + ":", value);
        }

        /** Receiver thread: each datagram to stdout until the server's close_notify or a failure. */
        private void receive() {
            ByteBuffer[] one = {ByteBuffer.allocateDirect(MAX_DATAGRAM)};
            try {
                while (true) {
                    one[0].clear();
                    if (conn.receive(one, 0, 1, null, stopReceiving) == 0) {
                        ended.complete("peer");
                        return;
                    }
                    lastReceived = System.nanoTime();
                    ByteBuffer datagram = one[0].flip();
                    if (out.json()) {
                        out.report(Output.datagram(Json.event("datagram"), datagram), null);
                    } else {
                        out.raw(datagram);
                    }
                }
            } catch (GioException e) {
                if (!closing) {
                    ended.completeExceptionally(e);
                }
            }
        }

        /** Stdin thread: each line one datagram; at the end of input, --linger, then the session ends. */
        private void sendLines() {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null && !closing; ) {
                    if (line.isEmpty()) {
                        continue; // skipped: an empty datagram does not arrive through GIO's DTLS (glib-networking 2.74)
                    }
                    byte[] datagram = line.getBytes(StandardCharsets.UTF_8);
                    try {
                        conn.send(ByteBuffer.wrap(datagram));
                    } catch (IOErrorException e) {
                        if (e.code() != IOErrorEnum.MESSAGE_TOO_LARGE) {
                            throw e;
                        }
                        out.warn("a line of " + datagram.length + " bytes was not sent: " + e.domain() + ":"
                                + e.rawCode() + " " + e.getMessage());
                    }
                }
                long eof = System.nanoTime();
                while (!ended.isDone()) {
                    long last = lastReceived - eof > 0 ? lastReceived : eof;
                    long left = last + linger.toNanos() - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Thread.sleep(Math.min(left / 1_000_000 + 1, 100));
                }
                ended.complete("eof");
            } catch (IOException e) { // GioException among them
                if (!closing) {
                    ended.completeExceptionally(e);
                }
            } catch (InterruptedException e) {
                ended.complete("eof");
            }
        }

        /**
         * Ends the session once, from whichever thread comes first (the command or the shutdown hook): stops the
         * receiver, closes the connection (close_notify), reports why unless {@code reason} is null.
         */
        synchronized void close(String reason) {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            stopReceiving.cancel();
            try {
                if (receiver != null && receiver != Thread.currentThread()) {
                    receiver.join(timeout.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                conn.close(timeout);
            } catch (GioException e) {
                out.warn("close: " + e.domain() + ":" + e.rawCode() + " " + e.getMessage());
            }
            if (reason != null) {
                out.report(Json.event("close").put("reason", reason), "closed: " + switch (reason) {
                    case "eof" -> "end of input, close_notify sent";
                    case "peer" -> "the server closed the session (close_notify)";
                    case "interrupted" -> "interrupted (Ctrl-C or SIGTERM), close_notify sent";
                    default -> reason;
                });
            }
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
