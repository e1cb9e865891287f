package org.gdtls.internal.async;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Futures not yet complete that something (a closing connection, a pump shutting down) must end. */
public final class PendingFutures {
    private final Set<CompletableFuture<?>> futures = ConcurrentHashMap.newKeySet();

    /** Tracks {@code future} until it completes; returns it. */
    public <T> CompletableFuture<T> track(CompletableFuture<T> future) {
        futures.add(future);
        future.whenComplete((value, failure) -> futures.remove(future));
        return future;
    }

    /** Completes every tracked future exceptionally (a fresh exception each). */
    public void failAll(Supplier<? extends Throwable> reason) {
        for (CompletableFuture<?> future : futures) {
            future.completeExceptionally(reason.get());
        }
    }

    public int size() {
        return futures.size();
    }
}
