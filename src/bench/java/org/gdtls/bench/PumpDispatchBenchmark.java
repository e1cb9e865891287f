package org.gdtls.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.gdtls.MainContextPump;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pump dispatch latency: from {@code pump.execute(() -> future.complete(...))} on the benchmark thread until
 * the benchmark thread sees the future completed.
 *
 * <p>This is the path every GIO async completion takes into Java: {@code g_main_context_invoke_full} (here
 * through the glue's {@code gdtls_context_invoke}) queues an idle source and wakes the pump thread, which is
 * blocked in {@code g_main_context_iteration}; it dispatches the source, the glue trampoline
 * ({@code gdtls_call_java}) calls {@code CallbackDispatcher.dispatch} over JNI, which looks the handle up and
 * runs the task, and the completed future unparks the waiting thread. A GAsyncReadyCallback takes the same
 * trampoline from the same dispatch. The C baseline ({@code native/bench/bench_dispatch.c}) does the same
 * with {@code g_main_context_invoke_full} and a GMutex/GCond, without Java.
 *
 * <p>Sampled per invocation ({@link Mode#SampleTime}); scripts/bench-pump.sh reports the median and p99.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class PumpDispatchBenchmark {
    private MainContextPump pump;

    @Setup(Level.Trial)
    public void startPump() {
        pump = MainContextPump.start("bench-dispatch");
    }

    @TearDown(Level.Trial)
    public void stopPump() {
        pump.close();
    }

    @Benchmark
    public Integer dispatch() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        pump.execute(() -> done.complete(1)); // runs on the pump thread, reached through the glue trampoline
        return done.join();
    }
}
