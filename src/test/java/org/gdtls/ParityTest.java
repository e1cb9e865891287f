package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity: each scenario runs once in C straight on libgio (gdtls-parity-c, built by CMake from
 * native/parity) and once through the Java binding; every observation must be equal. Nothing is excluded yet:
 * these scenarios record no timings. Each run writes "scenario | C | Java | match" rows to
 * target/parity-report.md ({@code ./gdtls parity} runs this test and prints the report).
 */
@Timeout(60)
class ParityTest {
    private static final Path REPORT = Path.of("target/parity-report.md");

    @BeforeAll
    static void freshReport() throws java.io.IOException {
        Files.deleteIfExists(REPORT);
    }

    static Stream<String> scenarios() {
        return ParityScenario.SCENARIOS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void javaObservesWhatCObserves(String scenario) throws Exception {
        Map<String, Object> c = FlatJson.parse(runC(scenario));
        Map<String, Object> viaJava = ParityScenario.run(scenario);
        boolean match = c.equals(viaJava);
        synchronized (ParityTest.class) {
            if (!Files.exists(REPORT)) {
                Files.writeString(REPORT, "| scenario | C | Java | match |\n|---|---|---|---|\n");
            }
            Files.writeString(REPORT, "| " + scenario + " | `" + FlatJson.write(c) + "` | `" + FlatJson.write(viaJava)
                    + "` | " + (match ? "yes" : "NO") + " |\n", StandardOpenOption.APPEND);
        }
        assertEquals(c, viaJava, scenario);
    }

    private static String runC(String scenario) throws Exception {
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
