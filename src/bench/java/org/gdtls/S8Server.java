package org.gdtls;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * S8 (issue 15): the binding's {@link DtlsServer} as an echo server on one port, for the load generator
 * ({@code native/bench/bench_s8_clients.c}, driven by {@code scripts/bench-s8.sh}). The limits are opened wide
 * (every client comes from 127.0.0.1): what is measured is the server, not its admission control.
 *
 * <pre>java -cp ... org.gdtls.S8Server PKI_DIR PORT MAX_PEERS [SECONDS (0: until SIGTERM)] [HANDSHAKE_TIMEOUT_S (60)]</pre>
 *
 * Prints "listening port=P" once ready, then a sample line every second while the peers change, and on exit
 * "key=value" lines: the process's peak threads and RSS, the RSS and Java heap (after collections) at the largest
 * plateau of peers, per peer above the baseline, and the server's counters.
 */
final class S8Server {
    private volatile long peakThreads;
    private volatile long peakRssKb;
    private long baseRssKb;
    private long baseHeap;
    private int plateauPeers;
    private long plateauRssKb;
    private long plateauHeap;

    public static void main(String[] args) throws Exception {
        Path pki = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int maxPeers = Integer.parseInt(args[2]);
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 0;
        long handshakeTimeout = args.length > 4 ? Long.parseLong(args[4]) : 60; // GnuTLS's own give-up time
        new S8Server().run(pki, port, maxPeers, seconds, Duration.ofSeconds(handshakeTimeout));
    }

    private void run(Path pki, int port, int maxPeers, long seconds, Duration handshakeTimeout) throws Exception {
        try (TlsCertificate certificate = TlsCertificate.fromFiles(pki.resolve("server.pem"),
                pki.resolve("server-key.pem"));
             DtlsServer server = DtlsServer.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                             certificate)
                     .maxPeers(maxPeers).maxHalfOpen(maxPeers).maxHalfOpenPerSource(maxPeers)
                     .handshakesPerSourcePerSecond(1e9, maxPeers)
                     .handshakeTimeout(handshakeTimeout).idleTimeout(Duration.ofHours(1))
                     .onDatagram((peer, datagram) -> peer.connection().send(datagram))
                     .start()) {
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch reported = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM: report before the JVM goes
                stop.countDown();
                try {
                    reported.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "s8-stop"));
            ProcessProbe.settle(100); // the baseline: the server running, no peer yet
            baseRssKb = ProcessProbe.rssKb();
            baseHeap = heapUsed();
            System.out.println("listening port=" + server.localAddress().getPort());
            System.out.flush();
            try {
                sample(server, stop, seconds);
                report(server.stats());
            } finally {
                reported.countDown();
            }
        }
    }

    /** Samples every 250 ms; once the peers have stayed the same for a second, measures memory there (after GC). */
    private void sample(DtlsServer server, CountDownLatch stop, long seconds) throws Exception {
        long end = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        int last = -1;
        int stable = 0;
        long lastPrint = 0;
        while (System.nanoTime() < end && !stop.await(250, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            DtlsServerStats stats = server.stats();
            peakThreads = Math.max(peakThreads, ProcessProbe.threads());
            peakRssKb = Math.max(peakRssKb, ProcessProbe.rssKb());
            stable = stats.peers() == last && stats.halfOpen() == 0 ? stable + 1 : 0;
            last = stats.peers();
            if (stable == 4 && last > plateauPeers) {
                ProcessProbe.settle(50);
                plateauPeers = last;
                plateauRssKb = ProcessProbe.rssKb();
                plateauHeap = heapUsed();
            }
            if (System.nanoTime() - lastPrint > 1_000_000_000L) {
                lastPrint = System.nanoTime();
                System.out.println("sample peers=" + stats.peers() + " half_open=" + stats.halfOpen() + " threads="
                        + ProcessProbe.threads() + " rss_kb=" + ProcessProbe.rssKb());
            }
        }
    }

    private void report(DtlsServerStats stats) {
        System.out.println("server=binding");
        System.out.println("peak_threads=" + peakThreads);
        System.out.println("peak_rss_kb=" + peakRssKb);
        System.out.println("base_rss_kb=" + baseRssKb);
        System.out.println("plateau_peers=" + plateauPeers);
        System.out.println("plateau_rss_kb=" + plateauRssKb);
        System.out.println("plateau_heap_bytes=" + plateauHeap);
        if (plateauPeers > 0) {
            System.out.println(String.format(Locale.ROOT, "rss_per_peer_kb=%.1f",
                    (plateauRssKb - baseRssKb) / (double) plateauPeers));
            System.out.println(String.format(Locale.ROOT, "heap_per_peer_bytes=%.0f",
                    (plateauHeap - baseHeap) / (double) plateauPeers));
        }
        System.out.println("handshakes_ok=" + stats.handshakesSucceeded());
        System.out.println("handshakes_failed=" + stats.handshakesFailed());
        System.out.println("handshakes_timed_out=" + stats.handshakesTimedOut());
        System.out.println("datagrams_received=" + stats.datagramsReceived());
        System.out.println("dropped_queue_full=" + stats.droppedQueueFull());
        System.out.println("dropped_stray=" + stats.droppedStray());
        System.out.flush();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
