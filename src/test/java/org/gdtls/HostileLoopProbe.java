package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Not part of the suite (the name matches none of surefire's patterns): a probe that prints what GIO does with
 * each kind of {@link HostileTraffic} at a minimal PeerTransport server loop (a session for every new sender,
 * as far as {@code maxPeers}; handshakes bounded by 8 s). Run it by name:
 * {@code mvn -o -q test -Dtest=HostileLoopProbe -Dsurefire.failIfNoSpecifiedTests=false}; the findings go to
 * stdout (target/surefire-reports/org.gdtls.HostileLoopProbe-output.txt).
 */
@Timeout(120)
class HostileLoopProbe {
    private static final Duration HANDSHAKE = Duration.ofSeconds(8);

    /** The loop: one shared UdpSocket, a PeerTransport and a thread per sender. */
    private static final class Loop implements AutoCloseable {
        final UdpSocket shared;
        final Map<InetSocketAddress, PeerTransport> peers = new ConcurrentHashMap<>();
        final Map<InetSocketAddress, String> outcomes = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        final int maxPeers;
        final TlsCertificate cert;
        final Thread reader;
        volatile boolean stopping;

        Loop(int maxPeers) throws Exception {
            this.maxPeers = maxPeers;
            shared = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            cert = TlsCertificate.fromFiles(LoopbackPair.pki("server.pem"), LoopbackPair.pki("server-key.pem"));
            reader = new Thread(this::read, "probe-loop");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            while (!stopping) {
                InetSocketAddress from;
                try {
                    from = shared.receiveFrom(buf.clear(), null, null);
                } catch (GioException e) {
                    return;
                }
                PeerTransport t = peers.get(from);
                if (t == null) {
                    if (peers.size() >= maxPeers) {
                        refused.incrementAndGet();
                        continue;
                    }
                    t = PeerTransport.create(shared, from);
                    peers.put(from, t);
                    PeerTransport transport = t;
                    Thread th = new Thread(() -> serve(from, transport), "probe-peer");
                    th.setDaemon(true);
                    th.start();
                }
                try {
                    t.deliver(buf.flip());
                } catch (IllegalStateException gone) {
                    // ended meanwhile
                }
            }
        }

        private void serve(InetSocketAddress from, PeerTransport transport) {
            String outcome = "?";
            long start = System.nanoTime();
            try (DtlsServerConnection conn = DtlsServerConnection.create(transport, cert)) {
                conn.handshake(HANDSHAKE);
                outcome = "handshake ok";
                ByteBuffer b = ByteBuffer.allocateDirect(2048);
                while (true) {
                    if (conn.receive(b.clear(), Duration.ofSeconds(30)) < 0) {
                        outcome += ", close_notify";
                        break;
                    }
                    conn.send(b.flip());
                }
            } catch (GioException e) {
                outcome += (outcome.equals("?") ? "handshake " : ", then ") + e.getClass().getSimpleName() + " "
                        + (e instanceof TlsErrorException t ? t.code() : e instanceof IOErrorException i ? i.code() : "")
                        + " after " + (System.nanoTime() - start) / 1_000_000_000 + " s";
            } finally {
                outcomes.put(from, outcome.replace("?", ""));
                peers.remove(from);
                transport.close();
            }
        }

        InetSocketAddress address() throws GioException {
            return shared.localAddress();
        }

        @Override
        public void close() {
            stopping = true;
            peers.values().forEach(PeerTransport::shut);
            shared.close();
            cert.close();
        }
    }

    private static void say(String s) {
        System.out.println("[probe] " + s);
    }

    private static String outcomes(Loop loop, HostileTraffic.Counts counts) {
        Map<String, Integer> tally = new TreeMap<>();
        for (InetSocketAddress a : counts.sources()) {
            tally.merge(loop.outcomes.getOrDefault(a, loop.peers.containsKey(a) ? "still running" : "no session"), 1,
                    Integer::sum);
        }
        return tally.toString();
    }

    private static void echo(Recording r, String text) throws Exception {
        r.client().send(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        r.client().receive(b, Duration.ofSeconds(5));
        assertEquals(text, StandardCharsets.US_ASCII.decode(b.flip()).toString());
    }

    @Test
    void probe() throws Exception {
        byte[] gio = HostileTraffic.gioClientHello();
        byte[] jdk = HostileTraffic.jdkClientHello();
        say("GIO ClientHello " + gio.length + " bytes, JDK ClientHello " + jdk.length + " bytes");
        try (Loop loop = new Loop(400);
             HostileTraffic attacker = HostileTraffic.at(loop.address(), 1505)) {
            long t0 = System.nanoTime();
            try (Recording calm = Recording.sessionWith(loop.address(), 2, true)) {
                say("a legitimate session before any attack: " + calm.datagrams().size() + " datagrams in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            List<HostileTraffic.Counts> all = new java.util.ArrayList<>();
            HostileTraffic.Counts gioFlood = attacker.clientHelloFlood(List.of(gio), 20, 1);
            HostileTraffic.Counts jdkFlood = attacker.clientHelloFlood(List.of(jdk), 20, 1);
            all.add(gioFlood);
            all.add(jdkFlood);
            all.add(attacker.randomDatagrams(30, 30));
            all.add(attacker.dtlsShapedGarbage(30, 30));
            all.add(attacker.clientHelloShapedGarbage(30, 30));
            t0 = System.nanoTime();
            Recording attempt = null;
            try {
                attempt = Recording.sessionWith(loop.address(), 3, true);
            } catch (Exception e) {
                say("the legitimate session during the flood failed after " + (System.nanoTime() - t0) / 1_000_000
                        + " ms: " + e + "; peers " + loop.peers.size());
            }
            say("at ~now: " + gioFlood);
            say("at ~now: " + jdkFlood);
            if (attempt == null) {
                Thread.sleep(HANDSHAKE.toMillis() + 3000);
                t0 = System.nanoTime();
                attempt = Recording.sessionWith(loop.address(), 3, true);
                say("a legitimate session after the hostile sessions ended: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            try (Recording legit = attempt) {
                say("legitimate session during the flood: " + legit.datagrams().size() + " datagrams recorded");
                Thread.sleep(1500);
                say("at ~1.5 s: " + gioFlood);
                say("at ~1.5 s: " + jdkFlood);
                HostileTraffic.Counts fromOriginal = attacker.replayed(legit, 1, 0);
                HostileTraffic.Counts truncatedOriginal = attacker.truncated(legit, 20, 0);
                echo(legit, "still there");
                say("after replay + truncation from the original source, the session echoes: " + fromOriginal
                        + " / " + truncatedOriginal);
                all.add(attacker.replayed(legit, 1, 5));
                all.add(attacker.truncated(legit, 20, 20));
                Thread.sleep(HANDSHAKE.toMillis() + 3000);
                echo(legit, "still there at the end");
                say("session still echoes at the end");
            }
            for (HostileTraffic.Counts c : all) {
                say(c + " -> " + outcomes(loop, c));
            }
            say("refused " + loop.refused.get() + ", peers left " + loop.peers.size());
        }
    }
}
