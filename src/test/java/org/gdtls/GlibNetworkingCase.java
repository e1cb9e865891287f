package org.gdtls;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * glib-networking 2.74.0's tls/tests/dtls-connection.c cases through the Java binding, recording what the C
 * runner's glib_networking_cases.c records, under the same keys. Upstream's threading maps onto pumps: "one
 * thread and one context" is one {@link MainContextPump} driving both ends; the threaded server is a Java
 * thread (blocking sends) or its own pump (timeout 0); the client's timeout-0 receive is
 * {@link DtlsConnection#receiveAsync}, which retries on WOULD_BLOCK while its pump iterates, as upstream's loop
 * does with g_main_context_iteration.
 */
final class GlibNetworkingCase {
    /** One upstream case: null timeouts mean -1 (block). */
    record Case(String name, Duration serverTimeout, Duration clientTimeout, boolean threaded,
                boolean serverShouldDisappear, boolean dropClientFirst, boolean dropServerFirst) {}

    static final List<Case> CASES = List.of(
            new Case("connection/basic/blocking", null, Duration.ZERO, false, false, false, false),
            new Case("connection/basic/timeout", Duration.ofSeconds(1000), Duration.ZERO, false, false, false, false),
            new Case("connection/basic/nonblocking", Duration.ZERO, Duration.ZERO, false, false, false, false),
            new Case("connection/threaded/blocking", null, Duration.ZERO, true, false, false, false),
            new Case("connection/threaded/timeout", Duration.ofSeconds(1000), Duration.ZERO, true, false, false, false),
            new Case("connection/threaded/nonblocking", Duration.ZERO, Duration.ZERO, true, false, false, false),
            new Case("connection/timeouts/read", Duration.ZERO, Duration.ofMillis(500), true, true, false, false),
            new Case("connection/lossy/client", null, Duration.ZERO, false, false, true, false),
            new Case("connection/lossy/server", null, Duration.ZERO, false, false, false, true));

    static final List<String> SCENARIOS = CASES.stream().map(Case::name).toList();

    private static final byte[] TEST_DATA = "You win again, gravity!\n".getBytes(StandardCharsets.US_ASCII);
    private static final DatagramFilter DROP_FIRST_OUTGOING =
            (direction, serial, length) -> !(direction == DatagramFilter.Direction.OUT && serial == 1);
    private static final long STEP_TIMEOUT_SECONDS = 30;

    private GlibNetworkingCase() {}

    /** What the server side did; written by whichever thread runs it, read after {@link #done}. */
    private static final class Server {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final List<Long> created = new ArrayList<>();
        volatile DtlsServerConnection connection;
        volatile Object send;          // null: never attempted
        volatile Object bytesSent;
        volatile Object close;         // null: not closed gracefully
    }

    static Map<String, Object> run(String name, List<Long> created) throws Exception {
        Case c = CASES.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        List<Long> connections = new ArrayList<>();
        List<Long> transports = new ArrayList<>();
        Server server = new Server();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", name);
        MainContextPump clientPump = MainContextPump.start("gn-client");
        MainContextPump serverPump = c.threaded() ? MainContextPump.start("gn-server") : clientPump;
        try (UdpSocket serverSocket = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpSocket clientSocket = UdpSocket.open(StandardProtocolFamily.INET);
             FilteredTransport serverFilter = c.dropServerFirst() ? FilteredTransport.over(serverSocket, DROP_FIRST_OUTGOING) : null;
             FilteredTransport clientFilter = c.dropClientFirst() ? FilteredTransport.over(clientSocket, DROP_FIRST_OUTGOING) : null) {
            track(created != null ? transports : null, serverSocket.handle.address(), clientSocket.handle.address());
            if (serverFilter != null) {
                track(created != null ? transports : null, serverFilter.address());
            }
            if (clientFilter != null) {
                track(created != null ? transports : null, clientFilter.address());
            }
            DatagramTransport serverTransport = serverFilter != null ? serverFilter : serverSocket;
            startServer(c, serverSocket, serverTransport, serverPump, server, created != null);

            clientSocket.connect(serverSocket.localAddress());
            try (DtlsClientConnection client = DtlsClientConnection.create(
                    clientFilter != null ? clientFilter : clientSocket, "server.example.com")) {
                track(created != null ? connections : null, client.handle.address());
                client.setValidationFlags(EnumSet.noneOf(TlsCertificateFlags.class)); // no validation, as upstream
                Object read;
                Object received = null;
                Object intact = null;
                ByteBuffer buffer = ByteBuffer.allocateDirect(TEST_DATA.length * 2);
                try {
                    int n = c.clientTimeout().isZero()
                            ? client.receiveAsync(buffer, clientPump).get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            : client.receive(buffer, c.clientTimeout());
                    read = "ok";
                    received = Math.max(n, 0);
                    intact = n == TEST_DATA.length && buffer.flip().equals(ByteBuffer.wrap(TEST_DATA)) ? "yes" : "no";
                } catch (ExecutionException e) {
                    read = error(e.getCause());
                } catch (GioException e) {
                    read = error(e);
                }
                Object clientClose;
                try {
                    client.close();
                    clientClose = "ok";
                } catch (GioException e) {
                    clientClose = error(e);
                }
                server.done.get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                out.put("server_send", server.send);
                out.put("server_bytes_sent", server.bytesSent);
                out.put("server_close", server.close);
                out.put("client_read", read);
                out.put("bytes_received", received);
                out.put("data_intact", intact);
                out.put("client_close", clientClose);
                out.put("dropped_client_out", clientFilter == null ? 0 : (int) clientFilter.dropped(DatagramFilter.Direction.OUT));
                out.put("dropped_server_out", serverFilter == null ? 0 : (int) serverFilter.dropped(DatagramFilter.Direction.OUT));
            } finally {
                DtlsServerConnection s = server.connection;
                if (s != null) {
                    s.close(); // teardown, not observed (upstream unrefs it)
                }
            }
        } finally {
            if (created != null) {
                // As upstream's WAIT_UNTIL_UNREFFED, with the contexts still iterated: an implicit handshake's GTask
                // completes on the pump's context only after its worker thread returns, which may be after the
                // I/O that finished the handshake; a pump closed before then would keep the task (and the
                // connection it holds) for ever.
                awaitLastReference(server.created);
                awaitLastReference(connections);
            }
            clientPump.close();
            serverPump.close();
        }
        if (created != null) {
            connections.addAll(server.created);
            created.addAll(connections); // connections first: each holds its transport
            Collections.reverse(transports); // filters before the sockets they hold
            created.addAll(transports);
        }
        return out;
    }

    private static void awaitLastReference(List<Long> addresses) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (long address : addresses) {
            while (GObjectOracle.refCount(address) > 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    /** The oracle's own reference on each object, so its address stays valid until it is checked. */
    private static void track(List<Long> into, long... addresses) {
        if (into == null) {
            return;
        }
        for (long address : addresses) {
            GObjectOracle.ref(address);
            into.add(address);
        }
    }

    private static void startServer(Case c, UdpSocket socket, DatagramTransport transport, MainContextPump pump,
                                    Server server, boolean tracked) {
        if (c.threaded() && (c.serverTimeout() == null || !c.serverTimeout().isZero() || c.serverShouldDisappear())) {
            // upstream's threaded server with blocking sends: a thread of its own
            Thread thread = new Thread(() -> {
                try {
                    accept(c, socket, transport, server, tracked, null);
                    if (server.connection != null && !c.serverShouldDisappear()) {
                        sendBlocking(c, server);
                        closeGracefully(server);
                    }
                    server.done.complete(null);
                } catch (Throwable t) {
                    server.done.completeExceptionally(t);
                }
            }, "gn-server-thread");
            thread.setDaemon(true);
            thread.start();
            return;
        }
        // one context: the server waits for the first datagram on the pump, then sends with timeout 0 there
        socket.watch(pump, Set.of(IOCondition.IN), null, ready -> {
            try {
                accept(c, socket, transport, server, tracked, Duration.ZERO);
                server.connection.sendAsync(ByteBuffer.allocateDirect(TEST_DATA.length).put(TEST_DATA).flip(), pump)
                        .whenComplete((n, failure) -> {
                            recordSend(server, n, failure == null ? null : unwrap(failure));
                            closeGracefully(server);
                            server.done.complete(null);
                        });
            } catch (Throwable t) {
                server.done.completeExceptionally(t);
            }
            return false;
        });
    }

    /** Learns the client from its queued first datagram, connects to it, wraps the socket in a server connection. */
    private static void accept(Case c, UdpSocket socket, DatagramTransport transport, Server server, boolean tracked,
                               Duration peekTimeout) throws GioException {
        socket.connect(socket.peekSender(peekTimeout == null ? Duration.ofSeconds(STEP_TIMEOUT_SECONDS) : peekTimeout, null));
        try (TlsCertificate cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"),
                LoopbackPair.pki("server-key.pem"))) {
            DtlsServerConnection conn = DtlsServerConnection.create(transport, cert);
            if (tracked) {
                GObjectOracle.ref(conn.handle.address());
                server.created.add(conn.handle.address());
            }
            conn.setAuthenticationMode(TlsAuthenticationMode.NONE);
            server.connection = conn;
        }
    }

    private static void sendBlocking(Case c, Server server) {
        ByteBuffer message = ByteBuffer.allocateDirect(TEST_DATA.length).put(TEST_DATA).flip();
        try {
            server.connection.send(new ByteBuffer[] {message}, 0, 1, c.serverTimeout());
            recordSend(server, message.position(), null);
        } catch (GioException e) {
            recordSend(server, null, e);
        }
    }

    private static void recordSend(Server server, Integer bytes, Throwable failure) {
        server.send = failure == null ? "ok" : error(failure);
        server.bytesSent = failure == null ? bytes : null;
    }

    private static void closeGracefully(Server server) {
        try {
            server.connection.close();
            server.close = "ok";
        } catch (GioException e) {
            server.close = error(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static String error(Throwable t) {
        return t instanceof GioException g ? g.domain() + ":" + g.rawCode() : t.toString();
    }
}
