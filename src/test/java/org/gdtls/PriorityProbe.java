package org.gdtls;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Run in a child JVM by {@link PriorityStringTest}, whose environment decides {@code G_TLS_GNUTLS_PRIORITY}
 * (glib-networking reads it once per process). Prints one line per handshake, for the roles named as arguments
 * (all if none):
 * <ul>
 *   <li>{@code RESULT loopback ...}: a GIO client and server with each other;</li>
 *   <li>{@code RESULT server ...}: a GIO server and {@code gnutls-cli} offering only DTLS 1.0;</li>
 *   <li>{@code RESULT client ...}: a GIO client and {@code gnutls-serv} accepting only DTLS 1.0;</li>
 * </ul>
 * each followed by {@code completed VERSION CIPHERSUITE} or {@code failed CODE MESSAGE}, e.g.
 * {@code failed TlsError.NOT_TLS ...}. The peers' output goes to {@code gnutls-cli.log} and
 * {@code gnutls-serv.log} in the working directory.
 */
public final class PriorityProbe {
    /** A GnuTLS priority string that allows DTLS 1.0 only. */
    static final String DTLS_1_0_ONLY = "NORMAL:-VERS-ALL:+VERS-DTLS1.0";
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private PriorityProbe() {}

    /** {@code args}: the roles to run, of {@code loopback server client}; all three if none is named. */
    public static void main(String[] args) throws Exception {
        List<String> roles = args.length == 0 ? List.of("loopback", "server", "client") : List.of(args);
        if (roles.contains("loopback")) {
            try (LoopbackPair pair = LoopbackPair.create()) {
                System.out.println("RESULT loopback " + outcome(pair.client, () -> {
                    // The side that fails first cancels the other: report its failure, not that cancellation.
                    LoopbackPair.Outcome ended = pair.handshakeBoth();
                    Exception failure = ended.client() == null || cancelled(ended.client()) && ended.server() != null
                            ? ended.server() : ended.client();
                    if (failure != null) {
                        throw failure;
                    }
                }));
            }
        }
        if (roles.contains("server")) {
            System.out.println("RESULT server " + againstGnutlsCli());
        }
        if (roles.contains("client")) {
            System.out.println("RESULT client " + againstGnutlsServ());
        }
    }

    private static boolean cancelled(Exception e) {
        return e instanceof IOErrorException io && io.code() == IOErrorEnum.CANCELLED;
    }

    private interface Handshake {
        void run() throws Exception;
    }

    private static String outcome(DtlsConnection connection, Handshake handshake) throws Exception {
        try {
            handshake.run();
            return "completed " + connection.protocolVersion() + " " + connection.ciphersuiteName();
        } catch (GioException e) {
            String code = e instanceof TlsErrorException tls ? "TlsError." + tls.code()
                    : e instanceof IOErrorException io ? "IOErrorEnum." + io.code() : e.domain() + ":" + e.rawCode();
            return "failed " + code + " " + e.getMessage();
        }
    }

    /** A GIO server; its client is gnutls-cli with DTLS 1.0 only. */
    private static String againstGnutlsCli() throws Exception {
        try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(LOOPBACK, 0));
             TlsCertificate certificate = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                     LoopbackPair.pki("server-key.pem"))) {
            Process peer = new ProcessBuilder("gnutls-cli", "--udp", "--insecure", "--priority", DTLS_1_0_ONLY,
                    "--port", Integer.toString(socket.localAddress().getPort()), LOOPBACK.getHostAddress())
                    .redirectErrorStream(true).redirectOutput(new File("gnutls-cli.log")).start(); // stdin stays open
            try {
                socket.connect(socket.peekSender(BOUND, null));
                try (DtlsServerConnection server = DtlsServerConnection.create(socket, certificate)) {
                    return outcome(server, () -> server.handshake(BOUND));
                }
            } finally {
                peer.destroyForcibly().waitFor();
            }
        }
    }

    /** A GIO client; its server is gnutls-serv with DTLS 1.0 only. */
    private static String againstGnutlsServ() throws Exception {
        int port;
        try (UdpSocket free = UdpSocket.bind(new InetSocketAddress(LOOPBACK, 0))) {
            port = free.localAddress().getPort();
        }
        Path log = Path.of("gnutls-serv.log");
        Process peer = new ProcessBuilder("gnutls-serv", "--udp", "--port", Integer.toString(port),
                "--x509certfile", LoopbackPair.pki("server.pem").toString(),
                "--x509keyfile", LoopbackPair.pki("server-key.pem").toString(), "--priority", DTLS_1_0_ONLY)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitListening(log, peer);
            try (UdpSocket socket = UdpSocket.bind(new InetSocketAddress(LOOPBACK, 0));
                 TlsDatabase trust = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
                socket.connect(new InetSocketAddress(LOOPBACK, port));
                try (DtlsClientConnection client = DtlsClientConnection.create(socket, "server.example.com")) {
                    client.setDatabase(trust);
                    return outcome(client, () -> client.handshake(BOUND));
                }
            }
        } finally {
            peer.destroyForcibly().waitFor();
        }
    }

    /**
     * Waits for gnutls-serv's "listening on IPv4 ... done" (on stderr, unbuffered): a ClientHello sent before it
     * binds comes back as ICMP "port unreachable", which would fail the handshake for another reason.
     */
    private static void awaitListening(Path log, Process peer) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline && peer.isAlive()) {
            if (Files.exists(log) && Files.readAllLines(log).stream()
                    .anyMatch(line -> line.contains("IPv4") && line.endsWith("done"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("gnutls-serv did not start listening:\n"
                + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
