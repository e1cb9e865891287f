package org.gdtls.modulecheck;

import java.lang.module.ModuleDescriptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.gdtls.DtlsClientConnection;
import org.gdtls.DtlsServerConnection;
import org.gdtls.MainContextPump;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;

/**
 * Run by {@code ModulePathTest} in a child JVM whose module path holds the library (module {@code org.gdtls})
 * and JavaCPP, with this class on the class path: an application as a user of the module sees it. It checks the
 * module's boundary, then runs a DTLS handshake (the server's async, on a pump) and one datagram each way.
 * Prints one line per check; exits non-zero on the first failure.
 */
public final class ModulePathProbe {
    private ModulePathProbe() {}

    public static void main(String[] args) throws Exception {
        Path pki = Path.of(args[0]);
        Module module = UdpSocket.class.getModule();
        check(module.isNamed() && "org.gdtls".equals(module.getName()), "library loaded as module " + module);
        Set<String> exported = module.getDescriptor().exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        check(exported.equals(Set.of("org.gdtls")), "exports only org.gdtls: " + exported);
        Class<?> internal = Class.forName("org.gdtls.internal.glue.CallbackDispatcher");
        check(internal.getModule() == module && !module.isExported("org.gdtls.internal.glue")
                && !module.isOpen("org.gdtls.internal.glue"), "internal packages closed to the application");
        try {
            internal.getMethod("registeredCount").invoke(null);
            check(false, "reflection into an internal package was allowed");
        } catch (IllegalAccessException expected) {
            System.out.println("OK reflection into internal packages refused");
        }

        try (UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpSocket clientSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TlsCertificate cert = TlsCertificate.fromFiles(pki.resolve("server.pem"), pki.resolve("server-key.pem"));
             TlsDatabase ca = TlsDatabase.fromFile(pki.resolve("ca.pem"));
             MainContextPump pump = MainContextPump.start("module-probe")) {
            serverSocket.connect(clientSocket.localAddress());
            clientSocket.connect(serverSocket.localAddress());
            try (DtlsServerConnection server = DtlsServerConnection.create(serverSocket, cert);
                 DtlsClientConnection client = DtlsClientConnection.create(clientSocket, "server.example.com")) {
                client.setDatabase(ca);
                client.setAdvertisedProtocols(List.of("probe/1"));
                check(List.of("probe/1").equals(client.advertisedProtocols()), "a string-array property");
                CompletableFuture<Void> serverHandshake = server.handshakeAsync(pump, 0, null);
                client.handshake(Duration.ofSeconds(20));
                serverHandshake.get(20, TimeUnit.SECONDS);
                check(client.peerCertificateErrors().isEmpty(), "handshake, peer certificate valid ("
                        + client.protocolVersion() + ", " + client.ciphersuiteName() + ")");
                client.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer in = ByteBuffer.allocateDirect(64);
                int n = server.receive(in, Duration.ofSeconds(10));
                check(n == 4, "datagram client -> server");
                server.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)));
                in.clear();
                check(client.receive(in, Duration.ofSeconds(10)) == 4, "datagram server -> client");
            }
        }
        System.out.println("DONE");
    }

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "OK " : "FAILED ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
