package org.gdtls.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.gdtls.BenchHandles;
import org.gdtls.MainContextPump;
import org.gdtls.Subscription;
import org.gdtls.bench.PairedScenario.Metric;

/**
 * The paired scenarios S1, S2, S3, S5 and S6, the same workloads as the JMH benchmarks and the stand-alone C
 * baselines (docs/performance.md), with shorter rounds. In S2, S3 and S5 the C round runs on the binding's own
 * connections (their GObjects' addresses), so both sides use one socket pair and one session. {@code scale}
 * shrinks every round (callgrind runs ~50 times slower).
 */
final class PairedScenarios {
    private PairedScenarios() {}

    /** Every scenario by id, created only when run. */
    static Map<String, Supplier<PairedScenario>> all(CRounds c, double scale) {
        Map<String, Supplier<PairedScenario>> all = new LinkedHashMap<>();
        all.put("S1", () -> new Handshake(c));
        all.put("S2.single", () -> new Bulk(c, false, rounds(20_000, scale)));
        all.put("S2.batched", () -> new Bulk(c, true, rounds(20_000, scale)));
        all.put("S3", () -> new PingPong(c, rounds(10_000, scale)));
        all.put("S5.requireCloseNotify", () -> new Getter(c, false, rounds(1_000_000, scale)));
        all.put("S5.protocolVersion", () -> new Getter(c, true, rounds(1_000_000, scale)));
        all.put("S5.notify", () -> new Notify(c, rounds(100_000, scale)));
        all.put("S6", () -> new Dispatch(c, rounds(10_000, scale)));
        return all;
    }

    private static int rounds(int full, double scale) {
        return Math.max(1, (int) (full * scale));
    }

    private static <T> T unchecked(CheckedSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface CheckedSupplier<T> {
        T get() throws Exception;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A handshaken binding pair and its GObjects' addresses for the C rounds, and the JDK's pair if it has one. */
    private abstract static class OnOnePair extends PairedScenario {
        final CRounds c;
        final BindingPair.Pki pki = unchecked(BindingPair.Pki::new);
        final BindingPair pair = unchecked(() -> BindingPair.handshaken(pki));
        final long client = BenchHandles.address(pair.client);
        final long server = BenchHandles.address(pair.server);
        private JdkDtlsPair jdkPair;

        OnOnePair(CRounds c, String id, String operation, long operations, Metric... metrics) {
            super(id, operation, operations, metrics);
            this.c = c;
        }

        /** The JDK's handshaken pair, made at the first JDK round (S5 has none). */
        JdkDtlsPair jdkPair() throws Exception {
            if (jdkPair == null) {
                jdkPair = new JdkDtlsPair(JdkDtlsContext.create());
                jdkPair.handshake();
            }
            return jdkPair;
        }

        @Override
        public void close() throws Exception {
            if (jdkPair != null) {
                jdkPair.close();
            }
            pair.close();
            pki.close();
        }
    }

    /** S1: a fresh pair per round, both sync handshakes at once; the handshake's ms. */
    static final class Handshake extends PairedScenario {
        private final CRounds c;
        private final String pkiDir = BenchPki.file("ca.pem").getParent().toString();
        private final BindingPair.Pki pki = unchecked(BindingPair.Pki::new);
        private final SSLContext jdkContext = unchecked(JdkDtlsContext::create);
        private final ExecutorService serverThread = Executors.newSingleThreadExecutor();

        Handshake(CRounds c) {
            super("S1", "handshake", 1, new Metric("S1.handshake", "S1 handshake", "ms", false));
            this.c = c;
        }

        @Override
        double[] c() {
            return new double[] {c.gdtls_bench_handshake(pkiDir)};
        }

        @Override
        double[] binding() throws Exception {
            try (BindingPair pair = new BindingPair(pki)) {
                long start = System.nanoTime();
                pair.handshake(serverThread);
                return new double[] {seconds(start) * 1e3};
            }
        }

        @Override
        boolean hasJdk() {
            return true;
        }

        @Override
        double[] jdk() throws Exception {
            try (JdkDtlsPair pair = new JdkDtlsPair(jdkContext)) {
                long start = System.nanoTime();
                pair.handshake();
                return new double[] {seconds(start) * 1e3};
            }
        }

        @Override
        public void close() {
            serverThread.shutdown();
            pki.close();
        }
    }

    /** S2: {@code records} records per round; records/s. The JDK only has the single form. */
    static final class Bulk extends OnOnePair {
        private final boolean batched;
        private final int records;
        private final BindingBulk bulk;
        private JdkBulk jdkBulk;

        Bulk(CRounds c, boolean batched, int records) {
            super(c, batched ? "S2.batched" : "S2.single", "record", records,
                    new Metric(batched ? "S2.batched" : "S2.single",
                            "S2 bulk " + (batched ? "batched" : "single"), "records/s", true));
            this.batched = batched;
            this.records = records;
            this.bulk = new BindingBulk(pair, batched);
        }

        @Override
        double[] c() {
            return new double[] {records / c.gdtls_bench_bulk(client, server, records, batched ? 1 : 0)};
        }

        @Override
        double[] binding() throws Exception {
            long start = System.nanoTime();
            bulk.transfer(records);
            return new double[] {records / seconds(start)};
        }

        @Override
        boolean hasJdk() {
            return !batched;
        }

        @Override
        double[] jdk() throws Exception {
            if (jdkBulk == null) {
                jdkBulk = new JdkBulk(jdkPair());
            }
            long start = System.nanoTime();
            jdkBulk.transfer(records);
            return new double[] {records / seconds(start)};
        }
    }

    /** S3: {@code samples} 64-byte round trips per round, each timed; their median and p99 in µs. */
    static final class PingPong extends OnOnePair {
        private final int samples;
        private final double[] us;
        private final BindingPingPong pingPong;
        private JdkPingPong jdkPingPong;

        PingPong(CRounds c, int samples) {
            super(c, "S3", "round trip", samples, new Metric("S3.median", "S3 ping-pong 64 B, median", "µs", false),
                    new Metric("S3.p99", "S3 ping-pong 64 B, p99", "µs", false));
            this.samples = samples;
            this.us = new double[samples];
            this.pingPong = new BindingPingPong(pair);
        }

        private double[] summary() {
            return counting ? new double[0] : new double[] {percentile(us, samples, 50), percentile(us, samples, 99)};
        }

        @Override
        double[] c() {
            c.gdtls_bench_ping_pong(client, server, samples, us);
            return summary();
        }

        @Override
        double[] binding() throws Exception {
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                pingPong.roundTrip();
                us[i] = (System.nanoTime() - start) / 1e3;
            }
            return summary();
        }

        @Override
        boolean hasJdk() {
            return true;
        }

        @Override
        double[] jdk() throws Exception {
            if (jdkPingPong == null) {
                jdkPingPong = new JdkPingPong(jdkPair());
            }
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                jdkPingPong.roundTrip();
                us[i] = (System.nanoTime() - start) / 1e3;
            }
            return summary();
        }
    }

    /** S5: {@code calls} getter calls per round on the client; ns per call. */
    static final class Getter extends OnOnePair {
        private final boolean version;
        private final int calls;
        private long sink; // the getters' results, used

        Getter(CRounds c, boolean version, int calls) {
            super(c, version ? "S5.protocolVersion" : "S5.requireCloseNotify", "call", calls,
                    version ? new Metric("S5.protocolVersion", "S5 getter protocolVersion()", "ns/op", false)
                            : new Metric("S5.requireCloseNotify", "S5 getter requireCloseNotify()", "ns/op", false));
            this.version = version;
            this.calls = calls;
        }

        @Override
        double[] c() {
            return new double[] {c.gdtls_bench_getter(client, version ? 1 : 0, calls)};
        }

        @Override
        double[] binding() {
            long acc = 0;
            long start = System.nanoTime();
            if (version) {
                for (int i = 0; i < calls; i++) {
                    acc += pair.client.protocolVersion().ordinal();
                }
            } else {
                for (int i = 0; i < calls; i++) {
                    acc += pair.client.requireCloseNotify() ? 1 : 0;
                }
            }
            double ns = (double) (System.nanoTime() - start) / calls;
            sink += acc;
            return new double[] {ns};
        }
    }

    /**
     * S5: {@code sets} sets of require-close-notify per round, alternating so each one emits notify, with one
     * handler connected for the round (a C handler in the C round, a Java listener in the binding's); ns per set.
     */
    static final class Notify extends OnOnePair {
        private final int sets;
        private long notified;

        Notify(CRounds c, int sets) {
            super(c, "S5.notify", "set", sets, new Metric("S5.notify", "S5 set + notify emission", "ns/op", false));
            this.sets = sets;
        }

        @Override
        double[] c() {
            return new double[] {c.gdtls_bench_notify(client, sets)};
        }

        @Override
        double[] binding() {
            long before = notified;
            boolean initial = pair.client.requireCloseNotify();
            double ns;
            try (Subscription listener = pair.client.onNotify("require-close-notify", (conn, property) -> notified++)) {
                long start = System.nanoTime();
                for (int i = 1; i <= sets; i++) {
                    pair.client.setRequireCloseNotify((i & 1) != 0 ? !initial : initial);
                }
                ns = (double) (System.nanoTime() - start) / sets;
            }
            if (notified - before < sets) {
                throw new IllegalStateException("the notify listener missed " + (sets - (notified - before)) + " sets");
            }
            return new double[] {ns};
        }
    }

    /**
     * S6: {@code samples} dispatches per round, each from a request on this thread until this thread sees it ran
     * on the loop thread: in C g_main_context_invoke_full and a GCond, in the binding {@code pump.execute} and a
     * future. Median and p99 in µs. The requesting thread, the C loop thread and the pump thread all run on one
     * CPU ({@code -Dgdtls.bench.cpu}, default the last; "any": unpinned): across CPUs a hand-over costs what
     * waking an idle vCPU costs, and a busy neighbour changes that (it turned binding/C from 1.14 into 0.92).
     */
    static final class Dispatch extends PairedScenario {
        private final CRounds c;
        private final int samples;
        private final double[] us;
        private final int cpu = cpu();
        private final long loop;
        private final MainContextPump pump = MainContextPump.start("paired-dispatch");

        Dispatch(CRounds c, int samples) {
            super("S6", "dispatch", samples, new Metric("S6.median", "S6 pump dispatch, median", "µs", false),
                    new Metric("S6.p99", "S6 pump dispatch, p99", "µs", false));
            this.c = c;
            this.samples = samples;
            this.us = new double[samples];
            this.loop = c.gdtls_bench_loop_start(cpu);
            if (cpu >= 0) {
                pin(cpu);
                CompletableFuture<Void> pumpPinned = new CompletableFuture<>();
                pump.execute(() -> {
                    pin(cpu);
                    pumpPinned.complete(null);
                });
                pumpPinned.join();
            }
        }

        private static int cpu() {
            String cpu = System.getProperty("gdtls.bench.cpu", "");
            return cpu.equals("any") ? -1
                    : cpu.isEmpty() ? Runtime.getRuntime().availableProcessors() - 1 : Integer.parseInt(cpu);
        }

        private void pin(int to) {
            if (c.gdtls_bench_pin_thread(to) != 0) {
                throw new IllegalStateException("cannot pin a thread to CPU " + to);
            }
        }

        private double[] summary() {
            return counting ? new double[0] : new double[] {percentile(us, samples, 50), percentile(us, samples, 99)};
        }

        @Override
        double[] c() {
            c.gdtls_bench_dispatch(loop, samples, us);
            return summary();
        }

        @Override
        double[] binding() {
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                CompletableFuture<Integer> done = new CompletableFuture<>();
                pump.execute(() -> done.complete(1)); // runs on the pump thread, through the glue trampoline
                done.join();
                us[i] = (System.nanoTime() - start) / 1e3;
            }
            return summary();
        }

        @Override
        public void close() {
            pump.close();
            c.gdtls_bench_loop_stop(loop);
            if (cpu >= 0) {
                pin(-1); // this thread runs the next scenarios
            }
        }
    }
}
