package org.gdtls.bench;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The paired runs of issue 16: per scenario, C and binding rounds (and JDK rounds where the JDK has the
 * operation) alternate in one process, C first in one pair and last in the next, so both sides see the same
 * machine at the same moment and each pair gives a ratio. Writes every round's figures as JSON;
 * scripts/bench_report.py turns them into ratios, medians and spreads.
 *
 * <pre>
 *   PairedRun [--pairs 12] [--warmup 3] [--only S2.single,S3] [--out target/bench/paired.json]
 *   PairedRun --count [--scale 0.1] [--only ...]   # under callgrind: counted C and binding rounds
 * </pre>
 *
 * Java heap bytes per operation are read per binding (and JDK) round from the benchmark thread's allocation
 * counter ({@code com.sun.management.ThreadMXBean}), the counter JMH's gc profiler reads.
 */
public final class PairedRun {
    /** com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes, found at run time: the test classes
     * compile as part of module org.gdtls, which does not read jdk.management. */
    private static final MethodHandle ALLOCATED_BYTES = allocatedBytesHandle();

    /** Counted rounds of each side under callgrind; a JIT compile can still land in one, the least is kept. */
    private static final int COUNTED_ROUNDS = 3;

    private int pairs = 12;
    private int warmup = 3;
    private double scale = 1;
    private boolean count;
    private List<String> only;
    private Path out = Path.of("target/bench/paired.json");

    public static void main(String[] args) throws Throwable {
        PairedRun run = new PairedRun();
        run.parse(args);
        run.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--count" -> count = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (pairs < 1 || warmup < 0 || scale <= 0) {
            throw new IllegalArgumentException("--pairs >= 1, --warmup >= 0, --scale > 0");
        }
    }

    private void run() throws Throwable {
        CRounds c = CRounds.load();
        Map<String, Supplier<PairedScenario>> scenarios = PairedScenarios.all(c, scale);
        if (only != null && !scenarios.keySet().containsAll(only)) {
            throw new IllegalArgumentException("--only takes some of " + scenarios.keySet());
        }
        StringBuilder json = new StringBuilder("{\n  \"pairs\": " + pairs + ", \"warmup\": " + warmup
                + ", \"scale\": " + scale + ",\n  \"java\": \"" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + "\",\n  \"scenarios\": [");
        String separator = "\n";
        for (Map.Entry<String, Supplier<PairedScenario>> entry : scenarios.entrySet()) {
            if (only != null && !only.contains(entry.getKey())) {
                continue;
            }
            try (PairedScenario scenario = entry.getValue().get()) {
                if (count) {
                    count(c, scenario);
                } else {
                    json.append(separator).append(measure(scenario));
                    separator = ",\n";
                }
            }
        }
        if (!count) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json.append("\n  ]\n}\n"));
            System.out.println("paired: wrote " + out);
        }
    }

    /** One side's rounds: each round's figures and, for Java sides, its heap bytes per operation. */
    private static final class Side {
        final List<double[]> rounds = new ArrayList<>();
        final List<Double> bytesPerOp = new ArrayList<>();
    }

    private interface Round {
        double[] run() throws Exception;
    }

    private String measure(PairedScenario scenario) throws Throwable {
        Side c = new Side();
        Side binding = new Side();
        Side jdk = new Side();
        for (int i = -warmup; i < pairs; i++) {
            boolean warm = i < 0; // a warm-up pair's rounds go to sides that are dropped
            Side cSide = warm ? new Side() : c;
            Side bindingSide = warm ? new Side() : binding;
            Side jdkSide = warm ? new Side() : jdk;
            boolean cFirst = Math.floorMod(i, 2) == 0; // C and the JDK swap the outer places every pair
            if (cFirst) {
                round(scenario::c, cSide, 0);
            } else if (scenario.hasJdk()) {
                round(scenario::jdk, jdkSide, scenario.operations);
            }
            round(scenario::binding, bindingSide, scenario.operations);
            if (!cFirst) {
                round(scenario::c, cSide, 0);
            } else if (scenario.hasJdk()) {
                round(scenario::jdk, jdkSide, scenario.operations);
            }
            if (i >= 0) {
                System.out.printf(Locale.ROOT, "paired %s %d/%d: C %s, binding %s%s%n", scenario.id, i + 1, pairs,
                        Arrays.toString(last(c)), Arrays.toString(last(binding)),
                        scenario.hasJdk() ? ", JDK " + Arrays.toString(last(jdk)) : "");
            }
        }
        StringBuilder json = new StringBuilder("    {\"id\": \"" + scenario.id + "\", \"operation\": \""
                + scenario.operation + "\", \"operations_per_round\": " + scenario.operations + ",\n     \"metrics\": [");
        for (int m = 0; m < scenario.metrics.size(); m++) {
            PairedScenario.Metric metric = scenario.metrics.get(m);
            json.append(m == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "      {\"id\": \"%s\", \"title\": \"%s\", \"unit\": \"%s\", \"higher_is_better\": %b,"
                            + " \"c\": %s, \"binding\": %s, \"jdk\": %s}",
                    metric.id(), metric.title(), metric.unit(), metric.higherIsBetter(), column(c, m),
                    column(binding, m), scenario.hasJdk() ? column(jdk, m) : "null"));
        }
        json.append("],\n     \"binding_bytes_per_op\": ").append(numbers(binding.bytesPerOp))
                .append(", \"jdk_bytes_per_op\": ").append(scenario.hasJdk() ? numbers(jdk.bytesPerOp) : "null")
                .append("}");
        return json.toString();
    }

    private static MethodHandle allocatedBytesHandle() {
        try {
            Class<?> threads = Class.forName("com.sun.management.ThreadMXBean");
            return MethodHandles.publicLookup()
                    .findVirtual(threads, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                    .bindTo(ManagementFactory.getThreadMXBean());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread", e);
        }
    }

    private static long allocatedBytes() throws Throwable {
        return (long) ALLOCATED_BYTES.invokeExact();
    }

    private static void round(Round round, Side side, long operations) throws Throwable {
        long allocated = allocatedBytes();
        double[] figures = round.run();
        if (operations > 0) {
            side.bytesPerOp.add((double) (allocatedBytes() - allocated) / operations);
        }
        side.rounds.add(figures);
    }

    private static double[] last(Side side) {
        return side.rounds.isEmpty() ? new double[0] : side.rounds.get(side.rounds.size() - 1);
    }

    private static String column(Side side, int metric) {
        List<Double> values = new ArrayList<>();
        for (double[] round : side.rounds) {
            values.add(round[metric]);
        }
        return numbers(values);
    }

    private static String numbers(List<Double> values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", values.get(i)));
        }
        return s.append("]").toString();
    }

    /**
     * Under callgrind: after the warm-up rounds, {@link #COUNTED_ROUNDS} counted C rounds and as many binding
     * rounds, each a callgrind dump named "c ID #n" or "binding ID #n" (scripts/bench-instructions.sh reads them).
     */
    private void count(CRounds c, PairedScenario scenario) throws Exception {
        if (c.gdtls_bench_under_valgrind() == 0) {
            throw new IllegalStateException("--count only means something under valgrind --tool=callgrind");
        }
        scenario.counting = true;
        c.gdtls_bench_count_begin(); // jnr-ffi makes a function's stub on its first call: not in a counted round
        c.gdtls_bench_count_end("uncounted");
        for (int i = 0; i < warmup; i++) {
            scenario.binding();
            scenario.c();
        }
        for (int n = 1; n <= COUNTED_ROUNDS; n++) {
            String cName = "c " + scenario.id + " #" + n; // not in the counted round: the first concatenation
            String bindingName = "binding " + scenario.id + " #" + n; // links a call site (~40M instructions)
            c.gdtls_bench_count_begin();
            scenario.c();
            c.gdtls_bench_count_end(cName);
            c.gdtls_bench_count_begin();
            scenario.binding();
            c.gdtls_bench_count_end(bindingName);
        }
        System.out.println("paired: counted " + scenario.id + " (" + scenario.operations + " " + scenario.operation
                + "s per round)");
    }
}
