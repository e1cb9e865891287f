package org.gdtls;

import static org.gdtls.ProcessProbe.fds;
import static org.gdtls.ProcessProbe.mallocInUseBytes;
import static org.gdtls.ProcessProbe.rssKb;
import static org.gdtls.ProcessProbe.threads;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The soak (issue 11, scripts/soak.sh): many connect/handshake/close cycles and many datagrams in one JVM, then a
 * check that file descriptors, threads and live GObjects are back to where they were, with RSS traced beside.
 * {@code native/bench/bench_soak.c} does the same on plain libgio, step for step, so the two RSS traces can be compared.
 *
 * <p>Cycles run in batches of {@code concurrency} pairs: every pair's handshakes start at once (async, on one
 * pump: the backend sleeps ~300 ms per handshake, so one at a time would take an hour for 10 000). Then each pair
 * of the batch carries its share of the datagrams (client to server, sync, in windows of {@link #WINDOW} datagrams
 * answered by one acknowledgement, so that no socket buffer overflows), each datagram numbered and checked. Then
 * every pair is closed.
 *
 * <p>The start values are taken after a warm-up run of the same kind: a JVM and GLib start threads, open files and
 * map memory once, on first use (JIT compiler threads, GLib's worker pools and thread-default contexts, the pump,
 * GnuTLS's initialisation), and none of that is a leak. GObjects are counted by the tests' jnr-ffi oracle, which
 * shares no code with the binding: it takes its own reference on every connection and socket the binding creates
 * and on the certificate and database; once the binding closed them, the oracle's must be the last reference
 * (otherwise the object counts as alive), and dropping it finalizes the object.
 *
 * <pre>Soak PKI_DIR CYCLES DATAGRAMS [CONCURRENCY (128)] [WARMUP CYCLES (256)]</pre>
 * Prints one {@code key=value} per line; exits 1 when anything did not come back.
 */
public final class Soak {
    static final int WINDOW = 32;
    static final int DATAGRAM_BYTES = 512;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);
    private static final int TRACE_POINTS = 10;

    private final Path pki;
    private final int concurrency;
    private final ByteBuffer[] window = new ByteBuffer[WINDOW];
    private final ByteBuffer[] inbox = new ByteBuffer[WINDOW];
    private final ByteBuffer ack = ByteBuffer.allocateDirect(16);
    private final LiveGObjects liveObjects = new LiveGObjects();
    private long datagramsSent;
    private long sequence;

    private Soak(Path pki, int concurrency) {
        this.pki = pki;
        this.concurrency = concurrency;
        for (int i = 0; i < WINDOW; i++) {
            window[i] = ByteBuffer.allocateDirect(DATAGRAM_BYTES);
            inbox[i] = ByteBuffer.allocateDirect(DATAGRAM_BYTES + 64);
        }
    }

    public static void main(String[] args) throws Exception {
        Path pki = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]);
        long datagrams = Long.parseLong(args[2]);
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        if (cycles <= 0 || datagrams < 0 || concurrency <= 0 || warmup < 0) {
            throw new IllegalArgumentException("cycles, concurrency > 0; datagrams, warmup >= 0");
        }
        System.exit(new Soak(pki, concurrency).run(cycles, datagrams, warmup) ? 0 : 1);
    }

    private boolean run(int cycles, long datagrams, int warmup) throws Exception {
        long t0 = System.nanoTime();
        TlsCertificate cert = TlsCertificate.fromFiles(pki.resolve("server.pem"), pki.resolve("server-key.pem"));
        TlsDatabase trust = TlsDatabase.fromFile(pki.resolve("ca.pem"));
        long certAddress = cert.handle.address();
        long trustAddress = trust.handle.address();
        GObjectOracle.ref(certAddress);
        GObjectOracle.ref(trustAddress);
        MainContextPump pump = MainContextPump.start("soak");

        // Warm-up: the same work, in proportion, so that every one-time resource exists before the start values.
        cycles(warmup, warmup == 0 ? 0 : Math.max(datagrams * warmup / cycles, WINDOW), pump, cert, trust);
        long warmupObjects = liveObjects.count();
        settle();
        long fdsStart = fds();
        long threadsStart = threads();
        long rssStart = rssKb();
        long mallocStart = mallocInUseBytes();
        System.out.println("warmup_seconds=" + seconds(t0));

        long t1 = System.nanoTime();
        StringBuilder trace = new StringBuilder("0:" + rssStart);
        // About TRACE_POINTS RSS samples, each after whole batches (so that every batch has `concurrency` pairs).
        int step = ((cycles + TRACE_POINTS - 1) / TRACE_POINTS + concurrency - 1) / concurrency * concurrency;
        long sentBefore = datagramsSent;
        for (int done = 0; done < cycles; ) {
            int n = Math.min(step, cycles - done);
            // This slice's share of the datagrams: the first `datagrams % cycles` cycles carry one more.
            long share = datagrams * (done + n) / cycles - datagrams * done / cycles;
            cycles(n, share, pump, cert, trust);
            done += n;
            trace.append(' ').append(done).append(':').append(rssKb());
        }
        long runSeconds = seconds(t1);
        long mainSent = datagramsSent - sentBefore;
        long rssEnd = rssKb();
        long mallocEnd = mallocInUseBytes();
        // Back to the start? Idle GLib worker threads end after their pool's idle time (15 s), JIT compiler
        // threads when the JIT is idle: wait up to a minute for threads and descriptors to come down.
        long fdsEnd = fds();
        long threadsEnd = threads();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((fdsEnd > fdsStart || threadsEnd > threadsStart) && System.nanoTime() < deadline) {
            settle();
            fdsEnd = fds();
            threadsEnd = threads();
        }
        long rssTrimmed = ProcessProbe.rssAfterMallocTrimKb();

        pump.close();
        cert.close();
        trust.close();
        liveObjects.checkLastReference(certAddress);
        liveObjects.checkLastReference(trustAddress);

        String mallocGrowthKb = mallocStart < 0 || mallocEnd < 0 ? "unavailable"
                : String.valueOf((mallocEnd - mallocStart) / 1024);
        printKeyValues("side", "java", "cycles", cycles, "datagrams", mainSent, "datagram_bytes", DATAGRAM_BYTES,
                "concurrency", concurrency, "warmup_cycles", warmup, "warmup_live_gobjects", warmupObjects);
        printKeyValues("fds_start", fdsStart, "fds_end", fdsEnd, "threads_start", threadsStart, "threads_end",
                threadsEnd, "live_gobjects_start", 0, "live_gobjects_end", liveObjects.count());
        printKeyValues("rss_start_kb", rssStart, "rss_end_kb", rssEnd, "rss_trace_kb", trace,
                "rss_after_malloc_trim_kb", rssTrimmed, "malloc_in_use_growth_kb", mallocGrowthKb);
        printKeyValues("run_seconds", runSeconds, "seconds", seconds(t0));
        return fdsEnd <= fdsStart && threadsEnd <= threadsStart && liveObjects.count() == 0 && mainSent == datagrams;
    }

    /** {@code count} cycles carrying {@code datagrams} datagrams between them, {@link #concurrency} at a time. */
    private void cycles(int count, long datagrams, MainContextPump pump, TlsCertificate cert, TlsDatabase trust)
            throws Exception {
        for (int done = 0; done < count; ) {
            int n = Math.min(concurrency, count - done);
            List<OraclePair> batch = new ArrayList<>(n);
            try {
                for (int i = 0; i < n; i++) {
                    batch.add(new OraclePair(cert, trust));
                }
                OraclePair.handshakeAll(batch, pump);
                for (int i = 0; i < n; i++) {
                    long share = datagrams * (done + i + 1) / count - datagrams * (done + i) / count;
                    exchange(batch.get(i), share);
                }
            } finally {
                for (OraclePair pair : batch) {
                    pair.close();
                }
            }
            for (OraclePair pair : batch) {
                pair.checkReleased(liveObjects);
            }
            done += n;
        }
    }

    /** {@code count} numbered datagrams from client to server, in windows each answered by one acknowledgement. */
    private void exchange(OraclePair pair, long count) throws GioException {
        for (long left = count; left > 0; ) {
            int n = (int) Math.min(WINDOW, left);
            long first = sequence;
            for (int i = 0; i < n; i++) {
                long number = sequence++;
                window[i].clear().putLong(number).putLong(~number).clear();
            }
            for (int sent = 0; sent < n; ) {
                sent += pair.client.send(window, sent, n - sent, IO_TIMEOUT);
            }
            for (int got = 0; got < n; ) {
                for (int i = got; i < n; i++) {
                    inbox[i].clear();
                }
                int k = pair.server.receive(inbox, got, n - got, IO_TIMEOUT);
                if (k <= 0) {
                    throw new IllegalStateException("server: connection closed after " + got + " of " + n);
                }
                for (int i = got; i < got + k; i++) {
                    ByteBuffer b = inbox[i].flip();
                    long expected = first + i;
                    if (b.remaining() != DATAGRAM_BYTES || b.getLong(0) != expected || b.getLong(8) != ~expected) {
                        throw new IllegalStateException("datagram " + expected + " arrived damaged or out of order: "
                                + b.remaining() + " bytes, number " + b.getLong(0));
                    }
                }
                got += k;
            }
            ack.clear().putLong(first).flip();
            pair.server.send(ack);
            ack.clear();
            if (pair.client.receive(ack, IO_TIMEOUT) != 8 || ack.getLong(0) != first) {
                throw new IllegalStateException("acknowledgement of window " + first + " wrong");
            }
            left -= n;
            datagramsSent += n;
        }
    }

    /** One {@code key=value} line for every two arguments, in the order given: the lines scripts/soak.sh reads. */
    private static void printKeyValues(Object... keysAndValues) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            System.out.println(keysAndValues[i] + "=" + keysAndValues[i + 1]);
        }
    }

    private static void settle() throws InterruptedException {
        ProcessProbe.settle(300);
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }
}
