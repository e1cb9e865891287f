package org.gdtls.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

/**
 * The C rounds of the paired runs: native/bench/bench_paired.c (libgdtls-bench-paired, built by
 * {@code cmake -DGDTLS_BUILD_BENCH=ON}), bound by jnr-ffi. Each call is one whole round in C, so the crossing
 * costs nothing the round measures. Pointers are the GObjects' addresses ({@code long} is a pointer on LP64).
 */
public interface CRounds {
    double gdtls_bench_bulk(long client, long server, int records, int batched);

    void gdtls_bench_ping_pong(long client, long server, int samples, @Out double[] us);

    double gdtls_bench_getter(long connection, int version, long calls);

    double gdtls_bench_notify(long connection, long emissions);

    long gdtls_bench_loop_start(int cpu);

    void gdtls_bench_loop_stop(long loop);

    void gdtls_bench_dispatch(long loop, int samples, @Out double[] us);

    int gdtls_bench_pin_thread(int cpu);

    double gdtls_bench_handshake(String pkiDir);

    void gdtls_bench_count_begin();

    void gdtls_bench_count_end(String name);

    int gdtls_bench_under_valgrind();

    /** From {@code -Dgdtls.bench.paired=FILE}, else target/bench-cmake/bench (where scripts/bench.sh builds it). */
    static CRounds load() {
        Path library = Path.of(System.getProperty("gdtls.bench.paired",
                "target/bench-cmake/bench/libgdtls-bench-paired.so")).toAbsolutePath();
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException(library + " is missing: build it with cmake -DGDTLS_BUILD_BENCH=ON"
                    + " --target gdtls-bench-paired (scripts/bench.sh does)");
        }
        return LibraryLoader.create(CRounds.class).load(library.toString());
    }
}
