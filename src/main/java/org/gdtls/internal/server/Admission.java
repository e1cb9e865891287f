package org.gdtls.internal.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.gdtls.DtlsServer.Refusal;

/**
 * Who may start a handshake on a DTLS server: the limits on sessions, on half-open handshakes (overall and per
 * source address) and on the rate of new handshakes per source address (a token bucket each). Not thread-safe:
 * the server calls it under its own lock. The buckets are bounded: beyond {@link #MAX_TRACKED_SOURCES} the least
 * recently seen source is forgotten (it starts again with a full bucket; the half-open limits still hold).
 */
public final class Admission {
    public static final int MAX_TRACKED_SOURCES = 65_536;

    private final int maxPeers;
    private final int maxHalfOpen;
    private final int maxHalfOpenPerSource;
    private final double ratePerNano;
    private final double burst;
    private final Map<InetAddress, Integer> halfOpenBySource = new HashMap<>();
    private final Map<InetAddress, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_TRACKED_SOURCES;
        }
    };
    private int peers;
    private int halfOpen;

    /** One source's token bucket: handshakes it may start now, and when that was last brought up to date. */
    private static final class Bucket {
        double tokens;
        long refilled;

        Bucket(double tokens, long refilled) {
            this.tokens = tokens;
            this.refilled = refilled;
        }
    }

    /**
     * @param handshakesPerSecond new handshakes a source may start per second, on average
     * @param burst how many it may start at once (the bucket's size)
     */
    public Admission(int maxPeers, int maxHalfOpen, int maxHalfOpenPerSource, double handshakesPerSecond, int burst) {
        this.maxPeers = maxPeers;
        this.maxHalfOpen = maxHalfOpen;
        this.maxHalfOpenPerSource = maxHalfOpenPerSource;
        this.ratePerNano = handshakesPerSecond / 1e9;
        this.burst = burst;
    }

    /**
     * Admits a handshake from {@code source} at {@code nanoTime} (counted as a half-open peer until
     * {@link #handshakeEnded}), or says why not.
     *
     * @return null if admitted
     */
    public Refusal admit(InetAddress source, long nanoTime) {
        if (peers >= maxPeers) {
            return Refusal.MAX_PEERS;
        }
        if (halfOpen >= maxHalfOpen) {
            return Refusal.MAX_HALF_OPEN;
        }
        if (halfOpenBySource.getOrDefault(source, 0) >= maxHalfOpenPerSource) {
            return Refusal.MAX_HALF_OPEN_PER_SOURCE;
        }
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(burst, nanoTime));
        bucket.tokens = Math.min(burst, bucket.tokens + (nanoTime - bucket.refilled) * ratePerNano);
        bucket.refilled = nanoTime;
        if (bucket.tokens < 1) {
            return Refusal.RATE_LIMITED;
        }
        bucket.tokens -= 1;
        peers++;
        halfOpen++;
        halfOpenBySource.merge(source, 1, Integer::sum);
        return null;
    }

    /** The handshake admitted for {@code source} ended; the peer stays (established) or leaves ({@link #left}). */
    public void handshakeEnded(InetAddress source) {
        halfOpen--;
        halfOpenBySource.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
    }

    /** A peer admitted earlier is gone. */
    public void left() {
        peers--;
    }

    public int peers() {
        return peers;
    }

    public int halfOpen() {
        return halfOpen;
    }
}
