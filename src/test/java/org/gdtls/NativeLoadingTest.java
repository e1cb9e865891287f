package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when libgio or the GnuTLS backend is missing: a child JVM with a broken environment. */
@Timeout(120)
class NativeLoadingTest {

    @Test
    void loadsWithTheGnutlsBackend() throws Exception {
        List<String> out = runProbe(Map.of());
        assertEquals("OK GTlsBackendGnutls", out.get(0));
    }

    @Test
    void missingTlsBackendNamesGlibNetworking(@TempDir Path emptyModules) throws Exception {
        // GIO loads no module from an empty directory, as on a machine without glib-networking.
        List<String> out = runProbe(Map.of("GIO_MODULE_DIR", emptyModules.toString()));
        assertTrue(out.get(0).startsWith("UNAVAILABLE"), out.toString());
        assertTrue(out.get(0).contains("apt-get install glib-networking"), out.get(0));
        assertTrue(out.get(1).startsWith("AGAIN"), out.toString());
    }

    @Test
    void missingLibgioNamesTheDebianPackage() throws Exception {
        // In a private mount namespace, the real libgio is replaced by an empty file: as if it were not installed.
        Gdtls.load();
        String libgio = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(line -> line.substring(line.indexOf('/') < 0 ? line.length() : line.indexOf('/')))
                .filter(path -> path.contains("/libgio-2.0.so")).findFirst().orElseThrow();
        Assumptions.assumeTrue(canHideFiles(), "needs root and unshare(1) to hide libgio in a mount namespace");
        List<String> out = runProbe(Map.of(), "unshare", "-m", "sh", "-c",
                "mount --bind /dev/null \"$0\" && exec \"$@\"", libgio);
        assertTrue(out.get(0).startsWith("UNAVAILABLE"), out.toString());
        assertTrue(out.get(0).contains("libglib2.0-0"), out.get(0));
        assertTrue(out.get(0).contains("libgio-2.0.so.0"), out.get(0));
        assertTrue(out.get(1).startsWith("AGAIN"), out.toString());
    }

    private static boolean canHideFiles() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount --bind /dev/null /dev/null")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException noUnshare) {
            return false;
        }
    }

    private static List<String> runProbe(Map<String, String> env, String... wrapper)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(wrapper));
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), LoadProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(false);
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), stderr);
        List<String> lines = stdout.lines().toList();
        assertTrue(!lines.isEmpty(), "no output; stderr: " + stderr);
        return lines;
    }
}
