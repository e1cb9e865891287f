package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.gdtls.modulecheck.ModulePathProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as a module: a child JVM with {@code target/classes} (module {@code org.gdtls}) and JavaCPP on its
 * module path, the application on its class path. The rest of the suite runs on the class path.
 */
@Timeout(120)
class ModulePathTest {

    @Test
    void moduleExportsOnlyTheApiAndRunsADtlsExchange(@TempDir Path work) throws Exception {
        List<String> classPath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        String library = classPath.stream().filter(p -> Files.exists(Path.of(p, "module-info.class")))
                .findFirst().orElseThrow(() -> new AssertionError("no module-info.class on " + classPath));
        String javacpp = classPath.stream().filter(p -> Path.of(p).getFileName().toString().startsWith("javacpp-"))
                .findFirst().orElseThrow(() -> new AssertionError("no JavaCPP jar on " + classPath));
        String tests = classPath.stream().filter(p -> p.endsWith("test-classes")).findFirst().orElseThrow();

        ChildJvm.Result result = ChildJvm.run(work, 90, List.of(
                        "--module-path", library + File.pathSeparator + javacpp,
                        "--add-modules", "org.gdtls",
                        "-cp", tests),
                ModulePathProbe.class.getName(), LoopbackPair.pki("ca.pem").getParent().toString());
        assertTrue(result.survived() && result.stdout().contains("DONE"), result.describe());
    }
}
