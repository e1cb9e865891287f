package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gdtls} command (src/cli: its own classes, resources and runnable jar) in child JVMs started in a
 * temporary directory, outside the source tree: {@code demo} with the PKI it carries and with {@code --pki},
 * {@code info}, and the exit codes of usage errors and of a GIO without TLS backend. The command runs from its
 * classes (target/cli-classes) on the test class path; scripts/cli-check.sh runs the same from the jar.
 */
@Timeout(120)
class GdtlsCommandTest {
    static final String COMMAND = "org.gdtls.cli.GdtlsCommand";

    /** The command's classes, checked to be built and to be no part of the library's class path. */
    static Path cliClasses() {
        Path cliClasses = Path.of(System.getProperty("gdtls.cli.classes", "target/cli-classes"));
        assertTrue(Files.isRegularFile(cliClasses.resolve(COMMAND.replace('.', '/') + ".class")),
                "the command is not built in " + cliClasses);
        assertNull(GdtlsCommandTest.class.getClassLoader().getResource(COMMAND.replace('.', '/') + ".class"),
                "the command is on the library's classpath");
        return cliClasses;
    }

    /** The JVM options of a child that runs the command, its temporary directory {@code tmp}. */
    static List<String> jvmArgs(Path tmp) {
        return List.of("-Djava.io.tmpdir=" + tmp, "-cp", ChildJvm.testClassPathWith(List.of(cliClasses())));
    }

    private static ChildJvm.Result gdtls(Path dir, Map<String, String> env, String... args) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(dir, jvmArgs(tmp), COMMAND, args))
                .directory(dir.toFile());
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        ChildJvm.Result result = ChildJvm.finish(builder.start(), 60);
        assertNoJvmTrouble(dir, result.stderr());
        return result;
    }

    /** No hs_err file in {@code dir}, and no JNI warning (under -Xcheck:jni, as scripts/jni-check.sh runs it). */
    static void assertNoJvmTrouble(Path dir, String stderr) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
        assertFalse(stderr.contains("in native method"), stderr);
    }

    private static void assertLines(ChildJvm.Result child, String... lines) {
        for (String line : lines) {
            assertTrue(child.stdout().contains(line), "no \"" + line + "\"\n" + child.describe());
        }
    }

    @Test
    void demoRunsOutsideTheTreeWithThePkiItCarries(@TempDir Path dir) throws Exception {
        ChildJvm.Result child = gdtls(dir, Map.of(), "demo", "--count", "3");
        assertEquals(0, child.exitCode(), child.describe());
        assertLines(child, "protocol:     DTLS_1_2", "alpn:         gdtls-demo/1", "peer subject: CN=server.example.com",
                "peer issuer:  CN=gdtls Test Root CA", "peer errors:  none", "echo:         3 x 64 bytes, all verified");
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("gdtls-demo-pki")).toList(),
                    "the demo left its extracted PKI behind");
        }
    }

    @Test
    void demoTakesAPkiDirectory(@TempDir Path dir) throws Exception {
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        ChildJvm.Result child = gdtls(dir, Map.of(), "demo", "--pki", pki.toString(), "--count", "2", "--alpn", "x/1,y/2");
        assertEquals(0, child.exitCode(), child.describe());
        assertLines(child, "alpn:         x/1", "peer errors:  none", "echo:         2 x 64 bytes, all verified");

        ChildJvm.Result empty = gdtls(dir, Map.of(), "demo", "--pki", dir.toString());
        assertEquals(2, empty.exitCode(), empty.describe());
        assertTrue(empty.stderr().contains("lacks one of ca.pem, server.pem, server-key.pem"), empty.describe());
    }

    @Test
    void infoNamesTheStackAndTheEnvironment(@TempDir Path dir) throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("G_TLS_GNUTLS_PRIORITY", "NORMAL:-VERS-DTLS1.0");
        env.put("GIO_USE_TLS", null);
        env.put("GIO_MODULE_DIR", null);
        ChildJvm.Result child = gdtls(dir, env, "info");
        assertEquals(0, child.exitCode(), child.describe());
        assertLines(child, "glib:            " + Gdtls.glibVersion() + " (runtime)",
                "tls backend:     " + Gdtls.tlsBackendName(), "gio modules:     libgiognutls.so",
                "supports_dtls:   " + TlsBackend.supportsDtls(),
                "dtls types:      " + TlsBackend.dtlsClientConnectionType() + " (client), "
                        + TlsBackend.dtlsServerConnectionType() + " (server)", "  G_TLS_GNUTLS_PRIORITY=NORMAL:-VERS-DTLS1.0",
                "  GIO_USE_TLS (unset)", "  GIO_MODULE_DIR (unset)", "gio module dir:  /");
        // the versions come from dpkg where there is one (the supported distributions have it)
        String networking = child.stdout().lines().filter(l -> l.startsWith("glib-networking: ")).findFirst().orElseThrow();
        assertTrue(networking.matches("glib-networking: (\\d+\\.\\d+\\S* \\(dpkg package glib-networking.*|unknown .*)"),
                networking);
    }

    @Test
    void withoutATlsBackendTheExitCodeIs3(@TempDir Path dir) throws Exception {
        Path noModules = Files.createDirectories(dir.resolve("no-modules"));
        ChildJvm.Result child = gdtls(dir, Map.of("GIO_MODULE_DIR", noModules.toString()), "info");
        assertEquals(3, child.exitCode(), child.describe());
        assertTrue(child.stderr().contains("gdtls: cannot use GIO: GIO has no TLS backend"), child.describe());
        assertTrue(child.stdout().contains("  GIO_MODULE_DIR=" + noModules), child.describe());
    }

    @Test
    void usageErrorsExitWith2AndShowTheUsage(@TempDir Path dir) throws Exception {
        List<String> failures = new ArrayList<>();
        // picocli's own checks (no command, unknown command, missing parameter, bad values) and the command's
        for (List<String> args : List.<List<String>>of(List.of(), List.of("no-such-command"), List.of("client"),
                List.of("server", "--port", "70000"), List.of("client", "127.0.0.1:1", "--ca", "ca.pem", "--insecure"),
                List.of("server", "--port", "1", "--cert", "c.pem", "--key", "k.pem", "--auth", "maybe"),
                List.of("server", "--port", "1", "--cert", "c.pem", "--key", "k.pem", "--handshake-rate", "0"))) {
            ChildJvm.Result child = gdtls(dir, Map.of(), args.toArray(String[]::new));
            if (child.exitCode() != 2 || !child.stderr().contains("Usage: gdtls")) {
                failures.add(args + ": " + child.describe());
            }
        }
        assertEquals(List.of(), failures);

        ChildJvm.Result help = gdtls(dir, Map.of(), "help", "client");
        assertEquals(0, help.exitCode(), help.describe());
        assertTrue(help.stdout().contains("--password-env") && help.stdout().contains("Exit codes:"), help.describe());
    }

    /** The client's files are read by GIO: a missing one is a GIO error, printed as domain:code and message. */
    @Test
    void gioErrorsExitWith1AsDomainAndCode(@TempDir Path dir) throws Exception {
        ChildJvm.Result child = gdtls(dir, Map.of(), "client", "127.0.0.1:9", "--ca", dir.resolve("none.pem").toString());
        assertEquals(1, child.exitCode(), child.describe());
        assertTrue(child.stderr().matches("(?s)gdtls: g-[a-z-]+-quark:\\d+ [^\\n]*none\\.pem.*"), child.describe());
    }
}
