package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version control through glib-networking's {@code G_TLS_GNUTLS_PRIORITY}, read once per process (when the first
 * GnuTLS connection is made): each case runs {@link PriorityProbe} in a child JVM with the variable set or
 * removed, against {@code gnutls-cli}/{@code gnutls-serv} offering only DTLS 1.0 (Debian package gnutls-bin, which
 * {@code scripts/install-deps.sh} installs, so CI always runs this).
 */
@Timeout(60)
class PriorityStringTest {
    /** The README's example: DTLS 1.2 only. */
    static final String DTLS_1_2_ONLY = "NORMAL:-VERS-ALL:+VERS-DTLS1.2";
    private static final String VARIABLE = "G_TLS_GNUTLS_PRIORITY";

    @BeforeEach
    void gnutlsToolsInstalled() {
        for (String tool : new String[] {"gnutls-cli", "gnutls-serv"}) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (Debian package gnutls-bin)");
        }
    }

    /** Without the variable, GIO negotiates DTLS 1.0 with a peer that offers nothing newer, in both roles. */
    @Test
    void dtls10OnlyPeerCompletesDtls10ByDefault(@TempDir Path dir) throws Exception {
        Map<String, String> results = probe(dir, null);
        assertTrue(results.get("loopback").startsWith("completed DTLS_1_2 "), results::toString);
        assertTrue(results.get("server").startsWith("completed DTLS_1_0 "), results::toString);
        assertTrue(results.get("client").startsWith("completed DTLS_1_0 "), results::toString);
    }

    /**
     * With {@code G_TLS_GNUTLS_PRIORITY=NORMAL:-VERS-ALL:+VERS-DTLS1.2}, the same peers are refused at once in
     * both roles, with {@code NOT_TLS} "A packet with illegal or unsupported version was received" (not a
     * timeout), while GIO with GIO still completes DTLS 1.2: the string was taken, not refused as invalid.
     */
    @Test
    void dtls12OnlyPriorityRefusesDtls10OnlyPeer(@TempDir Path dir) throws Exception {
        Map<String, String> results = probe(dir, DTLS_1_2_ONLY);
        assertTrue(results.get("loopback").startsWith("completed DTLS_1_2 "), results::toString);
        assertTrue(results.get("server").startsWith("failed TlsError.NOT_TLS "), results::toString);
        assertTrue(results.get("client").startsWith("failed TlsError.NOT_TLS "), results::toString);
    }

    /** The same variable selects ciphersuites: with AES-128-GCM the only cipher, GIO with GIO uses it. */
    @Test
    void priorityStringSelectsTheCiphersuite(@TempDir Path dir) throws Exception {
        Map<String, String> results = probe(dir, "NORMAL:-CIPHER-ALL:+AES-128-GCM", "loopback");
        assertEquals("completed DTLS_1_2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", results.get("loopback"),
                results::toString);
    }

    /**
     * A priority string GnuTLS cannot parse: glib-networking logs a warning and sets no priority at all, so every
     * handshake of the process fails with {@code MISC} "No or insufficient priorities were set."
     */
    @Test
    void invalidPriorityFailsEveryHandshake(@TempDir Path dir) throws Exception {
        Map<String, String> results = probe(dir, "NORMAL:+NO-SUCH-KEYWORD");
        assertTrue(results.get("stderr").contains("Failed to set GnuTLS session priority"), results::toString);
        for (String role : new String[] {"loopback", "server", "client"}) {
            assertTrue(results.get(role).startsWith("failed TlsError.MISC ")
                    && results.get(role).contains("No or insufficient priorities were set"), results::toString);
        }
    }

    /**
     * Runs the probe with {@code G_TLS_GNUTLS_PRIORITY} set to {@code priority}, or removed if null, for
     * {@code roles} (all three if none): each role's result line, and the child's stderr under {@code stderr}.
     */
    private static Map<String, String> probe(Path dir, String priority, String... roles) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put(VARIABLE, priority);
        ChildJvm.Result child = ChildJvm.run(dir, 45, environment, PriorityProbe.class, roles);
        String logs = child.describe() + "--- gnutls-cli.log\n" + read(dir.resolve("gnutls-cli.log"))
                + "--- gnutls-serv.log\n" + read(dir.resolve("gnutls-serv.log"));
        assertTrue(child.survived(), logs);
        Map<String, String> results = new HashMap<>();
        Matcher m = Pattern.compile("^RESULT (\\w+) (.*)$", Pattern.MULTILINE).matcher(child.stdout());
        while (m.find()) {
            results.put(m.group(1), m.group(2));
        }
        assertEquals(roles.length == 0 ? 3 : roles.length, results.size(), logs);
        results.put("stderr", child.stderr());
        return results;
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "(none)\n";
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }
}
