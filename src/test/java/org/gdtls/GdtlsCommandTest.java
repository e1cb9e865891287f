package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gdtls} command (src/cli, its own classes and jar) runs its demo against the test PKI in a child JVM:
 * a loopback handshake validated by the test CA, then an echo.
 */
@Timeout(120)
class GdtlsCommandTest {
    private static final String COMMAND = "org.gdtls.cli.GdtlsCommand";

    @Test
    void demoHandshakesAndEchoes(@TempDir Path dir) throws Exception {
        Path cliClasses = Path.of(System.getProperty("gdtls.cli.classes", "target/cli-classes"));
        assertTrue(Files.isRegularFile(cliClasses.resolve(COMMAND.replace('.', '/') + ".class")),
                "the command is not built in " + cliClasses);
        assertNull(getClass().getClassLoader().getResource(COMMAND.replace('.', '/') + ".class"),
                "the command is on the library's classpath");

        Path pki = LoopbackPair.pki("ca.pem").getParent();
        List<String> classPath = List.of("-cp", ChildJvm.testClassPathWith(List.of(cliClasses)));
        ChildJvm.Result child = ChildJvm.run(dir, 60, classPath, COMMAND, "demo", "--pki", pki.toString(), "--count", "3");
        assertTrue(child.survived(), child.describe());
        for (String line : List.of("protocol:     DTLS_1_2", "alpn:         gdtls-demo/1",
                "peer subject: CN=server.example.com", "peer errors:  none", "echo:         3 x 64 bytes, all verified")) {
            assertTrue(child.stdout().contains(line), "no \"" + line + "\"\n" + child.describe());
        }
    }
}
