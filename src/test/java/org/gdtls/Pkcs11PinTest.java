package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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

    @Test
    @Covers({"g_tls_certificate_new_from_pkcs11_uris", "GTlsInteractionClass.ask_password", "g_tls_password_get_warning", "GTlsCertificate:pkcs11-uri", "GTlsCertificate:private-key-pkcs11-uri", "GTlsCertificate:private-key"})
    void pinPromptFromTheTokenReachesJava(@TempDir Path dir) throws Exception {
        Path pki = LoopbackPair.pki("ca.pem").getParent();
        Process token;
        try {
            token = new ProcessBuilder("scripts/make-softhsm-token.sh", dir.toString(), pki.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run scripts/make-softhsm-token.sh", e);
        }
        ChildJvm.Result made = ChildJvm.finish(token, 60);
        String uris = made.stdout();
        String errors = made.stderr();
        Assumptions.assumeFalse(made.exitCode() == 1 && errors.contains("install Debian package"),
                "SoftHSM tools missing: " + errors);
        assertEquals(0, made.exitCode(), "exit code (-1: killed after 60 s) " + errors);
        String certUri = value(uris, "CERT_URI=");
        String keyUri = value(uris, "KEY_URI=");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Pkcs11Probe.class.getName(), certUri, keyUri);
        pb.environment().put("SOFTHSM2_CONF", dir.resolve("softhsm2.conf").toString());
        ChildJvm.Result probe = ChildJvm.finish(pb.start(), 60);
        String out = probe.stdout();
        assertEquals(0, probe.exitCode(), "exit code (-1: killed after 60 s) " + out + probe.stderr());
        List<String> lines = out.lines().toList();
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
