package org.gdtls.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One scenario of the paired runs ({@link PairedRun}): a C round, a binding round and, where the JDK has the
 * same operation, a JDK round, each short and each giving the same metrics. A round returns one value per
 * metric, in the order of {@link #metrics}.
 */
abstract class PairedScenario implements AutoCloseable {
    /** One figure of a round; {@code higherIsBetter} for rates, not for times. */
    record Metric(String id, String title, String unit, boolean higherIsBetter) {}

    final String id;
    final List<Metric> metrics;
    /** What one operation is ("record", "round trip", ...) and how many one binding or JDK round runs. */
    final String operation;
    final long operations;
    /** Set by {@code PairedRun --count}: rounds skip what only their figures need (S3's percentiles sort, and
     * that sort's JIT compiles would land in counted rounds). */
    boolean counting;

    PairedScenario(String id, String operation, long operations, Metric... metrics) {
        this.id = id;
        this.operation = operation;
        this.operations = operations;
        this.metrics = List.of(metrics);
    }

    abstract double[] c() throws Exception;

    abstract double[] binding() throws Exception;

    boolean hasJdk() {
        return false;
    }

    double[] jdk() throws Exception {
        throw new UnsupportedOperationException(id + " has no JDK round");
    }

    @Override
    public void close() throws Exception {}

    /** Nearest-rank percentile (0 < p <= 100) of the first {@code n} values, which this sorts. */
    static double percentile(double[] values, int n, double p) {
        Arrays.sort(values, 0, n);
        int rank = (int) Math.ceil(p / 100 * n);
        return values[Math.max(rank, 1) - 1];
    }
}
