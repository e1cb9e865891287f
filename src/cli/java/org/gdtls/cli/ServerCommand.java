package org.gdtls.cli;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.gdtls.DtlsPeer;
import org.gdtls.DtlsServer;
import org.gdtls.Gdtls;
import org.gdtls.GioException;
import org.gdtls.GioUnavailableException;
import org.gdtls.TlsAuthenticationMode;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.cli.Output.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gdtls server}: many DTLS clients on one UDP port, served by a {@link DtlsServer} (one thread reads the
 * port, a thread per handshake while it lasts, established peers on its pump) whose listeners report to
 * {@link ServerReports}.
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        header = "DTLS server for many clients on one UDP port",
        customSynopsis = {
            "gdtls server [--bind ADDR] --port P --cert FILE --key FILE [--ca FILE]",
            "       [--auth none|request|require] [--alpn a,b] [--echo] [--max-peers N]",
            "       [--max-half-open N] [--max-half-open-per-source N] [--handshake-rate R]",
            "       [--handshake-burst N] [--handshake-timeout S] [--idle-timeout S]",
            "       [--stats] [--json]"},
        description = {
            "Serves DTLS clients on one UDP port, each in its own session. Reports a line per peer handshake, "
                    + "datagram and close on stdout (with --json, one JSON object per line: listening, handshake, "
                    + "datagram, refused, error and close events, and stats with --stats).",
            "GIO has no DTLS cookie exchange: the server answers any ClientHello, spoofed or not, with several times "
                    + "its size. The limits bound what a stranger can make it do; a ClientHello a limit refuses gets "
                    + "no reply and a refused report.",
            "Runs until interrupted; Ctrl-C sends close_notify to every peer first."})
final class ServerCommand implements Callable<Integer> {
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
            description = "sessions at once, handshakes in progress included; further ClientHellos are refused "
                    + "(default ${DEFAULT-VALUE})")
    private int maxPeers;

    @Option(names = "--max-half-open", paramLabel = "N", defaultValue = "128",
            description = "handshakes in progress at once (default ${DEFAULT-VALUE})")
    private int maxHalfOpen;

    @Option(names = "--max-half-open-per-source", paramLabel = "N", defaultValue = "16",
            description = "handshakes in progress at once from one source address, any port (default ${DEFAULT-VALUE})")
    private int maxHalfOpenPerSource;

    @Option(names = "--handshake-rate", paramLabel = "R", defaultValue = "20",
            description = "new handshakes one source address may start per second, on average (default ${DEFAULT-VALUE})")
    private double handshakeRate;

    @Option(names = "--handshake-burst", paramLabel = "N",
            description = "new handshakes one source address may start at once (default: twice --handshake-rate, "
                    + "at least 1)")
    private Integer handshakeBurst;

    @Option(names = "--handshake-timeout", paramLabel = "S", defaultValue = "10", converter = Conversions.SecondsConverter.class,
            description = "end a handshake that has not finished within S seconds (default ${DEFAULT-VALUE})")
    private Duration handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "S", defaultValue = "60", converter = Conversions.SecondsConverter.class,
            description = "close (close_notify) a peer that has sent nothing for S seconds (default ${DEFAULT-VALUE})")
    private Duration idleTimeout;

    @Option(names = "--stats", description = "report the server's counters on exit (a stats event)")
    private boolean stats;

    @Option(names = "--json", description = "JSON events on stdout, one per line")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress local = new InetSocketAddress(checkedOptions(), port);
        Output out = new Output(json, System.out);
        try {
            Gdtls.load();
        } catch (GioUnavailableException e) {
            return out.fail(e, null);
        }
        ServerReports reports = new ServerReports(out, maxPeers + " peers already",
                maxHalfOpen + " handshakes in progress already",
                maxHalfOpenPerSource + " handshakes in progress from its address already",
                "more than " + BigDecimal.valueOf(handshakeRate).stripTrailingZeros().toPlainString()
                        + " new handshakes per second from its address");
        try (TlsCertificate certificate = TlsCertificate.fromFiles(cert, key);
             TlsDatabase trust = ca == null ? null : TlsDatabase.fromFile(ca)) {
            DtlsServer.Builder builder = DtlsServer.builder(local, certificate)
                    .authenticationMode(auth.mode).database(trust)
                    .maxPeers(maxPeers).maxHalfOpen(maxHalfOpen).maxHalfOpenPerSource(maxHalfOpenPerSource)
                    .handshakesPerSourcePerSecond(handshakeRate, handshakeBurst != null ? handshakeBurst
                            : (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(2 * handshakeRate))))
                    .handshakeTimeout(handshakeTimeout).idleTimeout(idleTimeout).closeTimeout(CLOSE_BOUND)
                    .onAcceptCertificate(reports::acceptCertificate)
                    .onPeer(reports::handshake)
                    .onDatagram((peer, datagram) -> datagram(reports, peer, datagram))
                    .onRefused(reports::refused)
                    .onPeerEnded(reports::ended);
            if (alpn != null) {
                builder.advertisedProtocols(alpn);
            }
            DtlsServer server = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, reports), "gdtls-interrupt"));
            String address = Output.address(server.localAddress());
            out.report(Json.event("listening").put("address", address).put("backend", Gdtls.tlsBackendName()),
                    "listening on " + address + " (" + Gdtls.tlsBackendName() + ")");
            new CountDownLatch(1).await(); // the server runs until Ctrl-C or SIGTERM ends the JVM, after stop()
            return GdtlsCommand.OK;
        } catch (GioException e) {
            return out.fail(e, null);
        }
    }

    /** The bind address, once every option's value is checked (a usage error otherwise). */
    private InetAddress checkedOptions() {
        atLeastOne("--max-peers", maxPeers);
        atLeastOne("--max-half-open", maxHalfOpen);
        atLeastOne("--max-half-open-per-source", maxHalfOpenPerSource);
        if (handshakeBurst != null) {
            atLeastOne("--handshake-burst", handshakeBurst);
        }
        if (!(handshakeRate > 0) || Double.isInfinite(handshakeRate)) {
            throw new ParameterException(spec.commandLine(), "--handshake-rate must be more than 0");
        }
        if (handshakeTimeout.isZero() || idleTimeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--handshake-timeout and --idle-timeout must be more than 0");
        }
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind " + bind + ": not an address of this machine");
        }
    }

    private void atLeastOne(String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1");
        }
    }

    /** Each datagram reported and, with --echo, sent back (on the server's pump). */
    private void datagram(ServerReports reports, DtlsPeer peer, ByteBuffer datagram) throws GioException {
        reports.datagram(peer, datagram);
        if (echo) {
            peer.connection().send(datagram);
        }
    }

    /** Shutdown hook: every session ends with close_notify (reported as interrupted), then the counters. */
    private void stop(DtlsServer server, ServerReports reports) {
        server.close();
        if (stats) {
            reports.stats(server.stats());
        }
    }
}
