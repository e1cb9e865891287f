package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity: each scenario runs once in C straight on libgio (gdtls-parity-c, built by CMake from
 * native/parity) and once through the Java binding; every observation must be equal. Nothing is excluded yet:
 * these scenarios record no timings. The jnr-ffi oracle checks, after each handshake, that the properties
 * read straight from the GObjects equal what the Java API reported, and at the end that every GObject the
 * binding created is released (its reference is the last one). Each run writes "scenario | C | Java | match" rows to
 * target/parity-report.md ({@code ./gdtls parity} runs this test and prints the report).
 */
@Timeout(60)
class ParityTest {
    private static final Path REPORT = Path.of("target/parity-report.md");

    @BeforeAll
    static void freshReport() throws java.io.IOException {
        Files.deleteIfExists(REPORT);
    }

    /** Every scenario; {@code -Dgdtls.parity.only=PREFIX} keeps those whose name starts with PREFIX. */
    static Stream<String> scenarios() {
        String only = System.getProperty("gdtls.parity.only", "");
        return Stream.of(GlibNetworkingCase.SCENARIOS, ParityScenario.SCENARIOS, HostileScenario.SCENARIOS,
                        DatabaseScenario.SCENARIOS)
                .flatMap(List::stream).filter(s -> s.startsWith(only));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void javaObservesWhatCObserves(String scenario) throws Exception {
        Observation o = observe(scenario);
        assertEquals(List.of(), o.propertyMismatches(), scenario + ": the Java API and the GObject properties disagree");
        boolean match = o.c().equals(o.java());
        synchronized (ParityTest.class) {
            if (!Files.exists(REPORT)) {
                Files.writeString(REPORT, "| scenario | C | Java | match |\n|---|---|---|---|\n");
            }
            Files.writeString(REPORT, reportRow(scenario, o, match ? "yes" : "NO") + "\n", StandardOpenOption.APPEND);
        }
        assertEquals(o.c(), o.java(), scenario);
    }

    /** One scenario's records, C and Java, and the oracle's property disagreements with the Java API. */
    record Observation(Map<String, Object> c, Map<String, Object> java, List<String> propertyMismatches) {}

    /**
     * Runs {@code scenario} in C, then through the binding; the oracle checks every GObject was released. The
     * hostile/ scenarios run C beside Java instead: their outcomes depend on the order of datagrams, not on time
     * (HostileScenario), and each waits up to seconds for GnuTLS to give up.
     */
    static Observation observe(String scenario) throws Exception {
        CompletableFuture<String> cRun = CompletableFuture.supplyAsync(() -> {
            try {
                return runC(scenario);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, TestThreads.BLOCKING);
        if (!scenario.startsWith("hostile/")) {
            cRun.join();
        }
        List<Long> created = new ArrayList<>();
        List<String> propertyMismatches = new ArrayList<>();
        Map<String, Object> viaJava = scenario.startsWith("connection/") ? GlibNetworkingCase.run(scenario, created)
                : scenario.startsWith("hostile/") ? HostileScenario.run(scenario, created)
                : scenario.startsWith("database/") ? DatabaseScenario.run(scenario, created)
                : ParityScenario.run(scenario, created, propertyMismatches);
        assertAllReleased(scenario, created);
        Map<String, Object> c;
        try {
            c = FlatJson.parse(cRun.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        return new Observation(c, viaJava, propertyMismatches);
    }

    /** A row of target/parity-report.md: scenario | C | Java | verdict. */
    static String reportRow(String scenario, Observation o, String verdict) {
        return "| " + scenario + " | `" + FlatJson.write(o.c()) + "` | `" + FlatJson.write(o.java()) + "` | "
                + verdict + " |";
    }

    /**
     * The jnr-ffi oracle (no code shared with the binding): once the binding closed everything, the oracle's
     * reference must be the last one on each GObject it created; dropping it finalizes the object. Connections
     * go first, since each holds a reference on its base socket. GIO's handshake worker (a GTask thread) may
     * still be dropping its own reference just after the call returned, in C too: like glib-networking's
     * WAIT_UNTIL_UNREFFED, wait up to 10 s for that before judging.
     */
    static void assertAllReleased(String scenario, List<Long> created) throws InterruptedException {
        for (long address : created) {
            String type = GObjectOracle.typeName(address);
            int refs = GObjectOracle.refCount(address);
            for (long deadline = System.nanoTime() + 10_000_000_000L; refs > 1 && System.nanoTime() < deadline; ) {
                Thread.sleep(5);
                refs = GObjectOracle.refCount(address);
            }
            GObjectOracle.unref(address);
            assertEquals(1, refs, scenario + ": " + type + " still referenced after close");
        }
    }

    static String runC(String scenario) throws Exception {
        Path runner = Path.of(System.getProperty("gdtls.parity.runner", "target/cmake/parity/gdtls-parity-c"));
        assertTrue(Files.isExecutable(runner), "C runner not built: " + runner);
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        Process p = new ProcessBuilder(runner.toString(), pki.toString(), scenario).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return out;
    }
}
