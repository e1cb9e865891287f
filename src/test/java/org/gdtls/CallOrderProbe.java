package org.gdtls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link CallOrderTest}: repeats one call order that glib-networking would abort the
 * process on (an explicit handshake meeting I/O that starts an implicit one), and prints how the rounds ended,
 * one line per outcome: {@code ROUNDS 200 ok}. Rounds run a few at a time, on one pump.
 */
public final class CallOrderProbe {
    static final List<String> ORDERS = List.of("handshakeAsync+receiveAsync", "handshakeAsync+receive",
            "handshake|receive", "receiveAsync+handshakeAsync");
    private static final byte[] MESSAGE = "call order".getBytes(StandardCharsets.US_ASCII);
    private static final int AT_ONCE = 8;
    private static final long WAIT_S = 30;

    private CallOrderProbe() {}

    public static void main(String[] args) throws Exception {
        String order = args[0];
        int rounds = Integer.parseInt(args[1]);
        Map<String, Integer> outcomes = new TreeMap<>();
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        try (MainContextPump pump = MainContextPump.start("call-order")) {
            for (int done = 0; done < rounds; done += AT_ONCE) {
                List<CompletableFuture<String>> batch = new ArrayList<>();
                for (int i = 0; i < Math.min(AT_ONCE, rounds - done); i++) {
                    batch.add(CompletableFuture.supplyAsync(() -> round(order, pump, threads), threads));
                }
                for (CompletableFuture<String> f : batch) {
                    outcomes.merge(f.get(2 * WAIT_S, TimeUnit.SECONDS), 1, Integer::sum);
                }
            }
        }
        outcomes.forEach((outcome, count) -> System.out.println("ROUNDS " + count + " " + outcome));
    }

    private static String round(String order, MainContextPump pump, ExecutorService threads) {
        try (LoopbackPair pair = LoopbackPair.create()) {
            // The server answers, then sends one message once its handshake is done.
            CompletableFuture<Void> served = pair.server.handshakeAsync(pump, 0, null)
                    .thenRunAsync(() -> send(pair.server), threads);
            ByteBuffer buffer = ByteBuffer.allocateDirect(64);
            String outcome = switch (order) {
                case "handshakeAsync+receiveAsync" -> {
                    CompletableFuture<Void> handshake = pair.client.handshakeAsync(pump, 0, null);
                    CompletableFuture<Integer> received = pair.client.receiveAsync(buffer, pump);
                    handshake.get(WAIT_S, TimeUnit.SECONDS);
                    yield received(received.get(WAIT_S, TimeUnit.SECONDS));
                }
                case "handshakeAsync+receive" -> {
                    CompletableFuture<Void> handshake = pair.client.handshakeAsync(pump, 0, null);
                    int n = pair.client.receive(buffer, Duration.ofSeconds(WAIT_S)); // waits for the handshake
                    handshake.get(WAIT_S, TimeUnit.SECONDS);
                    yield received(n);
                }
                case "handshake|receive" -> {
                    CountDownLatch go = new CountDownLatch(1);
                    CompletableFuture<String> handshake = CompletableFuture.supplyAsync(() -> {
                        await(go);
                        return handshakeOutcome(() -> pair.client.handshake());
                    }, threads);
                    CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> {
                        await(go);
                        try {
                            return pair.client.receive(buffer, Duration.ofSeconds(WAIT_S));
                        } catch (GioException e) {
                            throw new IllegalStateException(e);
                        }
                    }, threads);
                    go.countDown();
                    yield handshake.get(WAIT_S, TimeUnit.SECONDS) + ", "
                            + received(received.get(WAIT_S, TimeUnit.SECONDS));
                }
                case "receiveAsync+handshakeAsync" -> {
                    CompletableFuture<Integer> received = pair.client.receiveAsync(buffer, pump);
                    CompletableFuture<Void> handshake = pair.client.handshakeAsync(pump, 0, null);
                    String h = handshakeOutcome(() -> handshake.get(WAIT_S, TimeUnit.SECONDS));
                    yield h + ", " + received(received.get(WAIT_S, TimeUnit.SECONDS));
                }
                default -> throw new IllegalArgumentException(order);
            };
            served.get(WAIT_S, TimeUnit.SECONDS);
            return outcome;
        } catch (Exception e) {
            return "unexpected " + e;
        }
    }

    private interface Handshake {
        void run() throws Exception;
    }

    /** "handshake ok", or "handshake refused" when the binding refused it with PENDING (I/O was first). */
    private static String handshakeOutcome(Handshake handshake) {
        try {
            handshake.run();
            return "handshake ok";
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            if (cause instanceof IOErrorException io && io.code() == IOErrorEnum.PENDING) {
                return "handshake refused";
            }
            return "handshake failed " + cause;
        }
    }

    private static String received(int n) {
        return n == MESSAGE.length ? "ok" : "received " + n;
    }

    private static void send(DtlsConnection conn) {
        try {
            conn.send(ByteBuffer.wrap(MESSAGE));
        } catch (GioException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
