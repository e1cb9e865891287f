package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 PIN path with a software token (SoftHSM2): GnuTLS's PIN callback reaches the server connection's
 * Java TlsInteraction; a wrong PIN is asked again with RETRY. Runs in a child JVM because SoftHSM reads
 * SOFTHSM2_CONF only once per process.
 */
@Timeout(120)
class Pkcs11PinTest {

    /**
     * GTlsInteractionClass.ask_password_async from the token's PIN prompt: answered from another thread two
     * seconds later while the handshake waits (GIO's invoke_ask_password takes the async path, since the
     * AsyncTlsInteraction has no sync method).
     */
    @Test
    @Covers({"GTlsInteractionClass.ask_password_async", "GTlsInteractionClass.ask_password_finish"})
    void pinAnsweredLaterFromAnotherThread(@TempDir Path dir) throws Exception {
        List<String> lines = probe(dir, "async").lines();
        assertTrue(lines.contains("ASKED [PKCS11_USER] on pump"), lines.toString());
        String answered = lines.stream().filter(l -> l.startsWith("ANSWERED on other after ")).findFirst()
                .orElseThrow(() -> new AssertionError("not answered: " + lines));
        assertTrue(Long.parseLong(answered.split(" ")[4]) >= 2000, answered);
        assertTrue(lines.contains("HANDSHAKE DTLS_1_2"), lines.toString());
        assertTrue(lines.contains("PENDING 0"), lines.toString());
    }

    /** The token's URIs and the probe's stdout lines. */
    private record Probe(String certUri, String keyUri, List<String> lines) {}

    /** Makes a token in {@code dir} and runs {@link Pkcs11Probe} against it. */
    private static Probe probe(Path dir, String... extra) throws Exception {
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        Process token;
        try {
            token = new ProcessBuilder("scripts/make-softhsm-token.sh", dir.toString(), pki.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run scripts/make-softhsm-token.sh", e);
        }
        ChildJvm.Result made = ChildJvm.finish(token, 60);
        String errors = made.stderr();
        Assumptions.assumeFalse(made.exitCode() == 1 && errors.contains("install Debian package"),
                "SoftHSM tools missing: " + errors);
        assertEquals(0, made.exitCode(), "exit code (-1: killed after 60 s) " + errors);
        String certUri = value(made.stdout(), "CERT_URI=");
        String keyUri = value(made.stdout(), "KEY_URI=");
        List<String> args = new ArrayList<>(List.of(certUri, keyUri));
        args.addAll(List.of(extra));
        // ChildJvm's command line: the test.child.jvm.args (e.g. -Xcheck:jni) reach the probe too
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(dir, List.of("-cp", System.getProperty("java.class.path")),
                Pkcs11Probe.class.getName(), args.toArray(new String[0])));
        pb.environment().put("SOFTHSM2_CONF", dir.resolve("softhsm2.conf").toString());
        ChildJvm.Result probe = ChildJvm.finish(pb.start(), 60);
        assertEquals(0, probe.exitCode(), "exit code (-1: killed after 60 s) " + probe.stdout() + probe.stderr());
        assertTrue(!probe.stderr().contains("in native method"), probe.stderr()); // a JNI warning under -Xcheck:jni
        return new Probe(certUri, keyUri, probe.stdout().lines().toList());
    }

    @Test
    @Covers({"g_tls_certificate_new_from_pkcs11_uris", "GTlsInteractionClass.ask_password", "g_tls_password_get_warning", "GTlsCertificate:pkcs11-uri", "GTlsCertificate:private-key-pkcs11-uri", "GTlsCertificate:private-key"})
    void pinPromptFromTheTokenReachesJava(@TempDir Path dir) throws Exception {
        Probe probe = probe(dir);
        String certUri = probe.certUri();
        String keyUri = probe.keyUri();
        List<String> lines = probe.lines();
        String out = String.join("\n", lines);
        assertTrue(lines.contains("SUBJECT CN=server.example.com"), out);
        assertTrue(lines.contains("HANDSHAKE DTLS_1_2"), out);
        assertTrue(lines.contains("PKCS11_URI " + certUri), out);
        assertTrue(lines.contains("PRIVATE_KEY_PKCS11_URI " + keyUri), out);
        assertTrue(lines.contains("PRIVATE_KEY_DER null"), out); // a token's key never leaves it
        List<String> asked = lines.stream().filter(l -> l.startsWith("ASKED ")).toList();
        assertEquals(2, asked.size(), out);
        // GnuTLS's PIN callback runs on the backend's handshake worker: a GLib thread the glue attached.
        assertEquals("ASKED [PKCS11_USER] on native warning: null", asked.get(0));
        assertTrue(asked.get(1).startsWith("ASKED [RETRY, MANY_TRIES, PKCS11_USER] on native warning: "), asked.get(1));
        assertTrue(asked.get(1).contains("incorrect"), asked.get(1)); // GnuTLS's "passwords entered have been incorrect"
    }

    private static String value(String output, String key) {
        return output.lines().filter(l -> l.startsWith(key)).map(l -> l.substring(key.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + output));
    }
}
