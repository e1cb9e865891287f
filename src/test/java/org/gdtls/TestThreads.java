package org.gdtls;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where tests run blocking work (a handshake, a read) beside the test thread. Never the common ForkJoinPool: on
 * two cores it has one worker, and a blocking task there stalls every other task queued behind it (from JDK 25
 * on, CompletableFuture.delayedExecutor's tasks too, so a delayed cancel never came while the handshake it was
 * meant to cancel held that worker).
 */
final class TestThreads {
    private static final AtomicInteger NUMBER = new AtomicInteger();

    /** A thread per task when all are busy; idle threads end after a minute. */
    static final ExecutorService BLOCKING = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "test-blocking-" + NUMBER.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private TestThreads() {}
}
