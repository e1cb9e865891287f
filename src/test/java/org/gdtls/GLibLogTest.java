package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.bytedeco.javacpp.BytePointer;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.GLibLogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GLib's log messages reach {@link System.Logger}s named after their domain (here through the default
 * java.util.logging backend, where a test can attach a handler). The glue's writer is synchronous on the logging
 * thread: when the C call returns, the message has been handled.
 */
@Timeout(120)
class GLibLogTest {
    private static final String TEST_DOMAIN = "gdtls-test";

    /** What a handler saw: the record and the thread it ran on. */
    record Seen(LogRecord record, String thread) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            seen.add(new Seen(r, Thread.currentThread().getName()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    // Held strongly while attached: java.util.logging keeps loggers only weakly.
    private Logger glib;
    private boolean parentHandlers;

    @BeforeAll
    static void load() {
        Gdtls.load();
    }

    @BeforeEach
    void attach() {
        glib = Logger.getLogger("org.gdtls.glib");
        parentHandlers = glib.getUseParentHandlers();
        glib.setUseParentHandlers(false); // keep the expected messages out of the build's console
        glib.addHandler(capture);
    }

    @AfterEach
    void detach() {
        glib.removeHandler(capture);
        glib.setUseParentHandlers(parentHandlers);
    }

    @Test
    void criticalFromGLibItselfReachesTheDomainsLogger() {
        Gio.g_object_unref(null); // g_return_if_fail (G_IS_OBJECT (object)): a CRITICAL in domain GLib-GObject

        LogRecord r = only("org.gdtls.glib.GLib-GObject").record();
        assertEquals(java.util.logging.Level.SEVERE, r.getLevel()); // System.Logger ERROR
        assertEquals("GLib domain GLib-GObject, CRITICAL: g_object_unref: assertion 'G_IS_OBJECT (object)' failed",
                r.getMessage());
    }

    @Test
    void structuredMessageKeepsItsTextAndCodeLocation() {
        // A 4-byte UTF-8 sequence and a byte that is not UTF-8: neither is modified UTF-8, so NewStringUTF
        // could not take them.
        byte[] text = "smile \uD83D\uDE00 and a bad byte: ".getBytes(StandardCharsets.UTF_8);
        byte[] withBadByte = new byte[text.length + 1];
        System.arraycopy(text, 0, withBadByte, 0, text.length);
        withBadByte[text.length] = (byte) 0xff;
        try (BytePointer message = cString(withBadByte)) {
            Glue.gdtls_test_log(new BytePointer(TEST_DOMAIN), GLibLogWriter.G_LOG_LEVEL_WARNING, message, 0);
        }

        Seen s = only("org.gdtls.glib." + TEST_DOMAIN);
        assertEquals(java.util.logging.Level.WARNING, s.record().getLevel());
        String m = s.record().getMessage();
        assertTrue(m.startsWith("GLib domain gdtls-test, WARNING: smile \uD83D\uDE00 and a bad byte: \uFFFD [at "), m);
        assertTrue(m.matches(".* \\[at \\S*log_writer\\.c:\\d+ emit_test_message\\]"), m);
        assertEquals(Thread.currentThread().getName(), s.thread());
    }

    @Test
    void messageFromANativeThreadArrivesOnThatThread() {
        Glue.gdtls_test_log(TEST_DOMAIN, GLibLogWriter.G_LOG_LEVEL_CRITICAL, "from a GThread", 1);

        Seen s = only("org.gdtls.glib." + TEST_DOMAIN);
        assertEquals(java.util.logging.Level.SEVERE, s.record().getLevel());
        assertTrue(s.record().getMessage().startsWith("GLib domain gdtls-test, CRITICAL: from a GThread [at "),
                s.record().getMessage());
        // Attached as a daemon by the glue, named after the GThread ("gdtls-log-test").
        assertEquals("gdtls-native-gdtls-log-test", s.thread());
    }

    @Test
    void messageWithoutDomainGoesToTheDefaultLogger() {
        Glue.gdtls_test_log((String) null, GLibLogWriter.G_LOG_LEVEL_MESSAGE, "no domain here", 0);

        LogRecord r = only(GLibLogWriter.NO_DOMAIN_LOGGER).record();
        assertEquals(java.util.logging.Level.INFO, r.getLevel());
        assertTrue(r.getMessage().startsWith("GLib (no domain), Message: no domain here"), r.getMessage());
    }

    @Test
    void levelsMapAsDocumented() {
        assertEquals(Level.ERROR, GLibLogWriter.javaLevel(GLibLogWriter.G_LOG_LEVEL_ERROR));
        assertEquals(Level.ERROR, GLibLogWriter.javaLevel(GLibLogWriter.G_LOG_LEVEL_CRITICAL));
        assertEquals(Level.WARNING, GLibLogWriter.javaLevel(GLibLogWriter.G_LOG_LEVEL_WARNING));
        assertEquals(Level.INFO, GLibLogWriter.javaLevel(GLibLogWriter.G_LOG_LEVEL_MESSAGE));
        assertEquals(Level.INFO, GLibLogWriter.javaLevel(GLibLogWriter.G_LOG_LEVEL_INFO));
        assertEquals(Level.DEBUG, GLibLogWriter.javaLevel(GLibLogWriter.G_LOG_LEVEL_DEBUG));
        assertEquals(Level.INFO, GLibLogWriter.javaLevel(1 << 8)); // user-defined
        assertEquals("org.gdtls.glib.GLib-Net", GLibLogWriter.loggerName("GLib-Net"));
    }

    @Test
    void debugMessagesCrossOnlyWithGMessagesDebug() throws Exception {
        Child quiet = runProbe(Map.of(), List.of());
        assertEquals(1, quiet.javaLines().size(), quiet.toString()); // the warning, not the debug message
        assertTrue(quiet.javaLines().get(0).startsWith(
                "JAVA org.gdtls.glib.gdtls-probe WARNING GLib domain gdtls-probe, WARNING: probe warning [at "),
                quiet.toString());
        assertFalse(quiet.stderr().contains("probe"), quiet.toString()); // nothing left on stderr

        Child debug = runProbe(Map.of("G_MESSAGES_DEBUG", "all"), List.of());
        assertEquals(2, debug.javaLines().size(), debug.toString());
        assertTrue(debug.javaLines().get(1).startsWith(
                "JAVA org.gdtls.glib.gdtls-probe FINE GLib domain gdtls-probe, DEBUG: probe debug [at "), debug.toString());
        assertFalse(debug.stderr().contains("probe"), debug.toString());
    }

    @Test
    void optOutLeavesGLibsOwnOutputOnStderr() throws Exception {
        Child child = runProbe(Map.of(), List.of("-D" + GLibLogWriter.PROPERTY + "=stderr"));
        assertTrue(child.stdout().stream().noneMatch(l -> l.startsWith("JAVA ")), child.toString());
        // GLib's default writer: "gdtls-probe-WARNING **: 12:34:56.789: probe warning"
        assertTrue(child.stderr().matches("(?s).*gdtls-probe-WARNING \\*\\*: [0-9:.]+: probe warning.*"),
                child.toString());
    }

    @Test
    void aFailingJavaHandlerFallsBackToStderr() throws Exception {
        Child child = runProbe(Map.of(), List.of(), "throwing");
        assertEquals(List.of(), child.javaLines(), child.toString());
        assertTrue(child.stderr().matches("(?s).*gdtls-probe-WARNING \\*\\*: [0-9:.]+: probe warning.*"),
                child.toString());
    }

    @Test
    void afterShutdownBeganMessagesGoToStderr() throws Exception {
        Child child = runProbe(Map.of(), List.of(), "stopped");
        assertEquals(List.of(), child.javaLines(), child.toString());
        assertTrue(child.stderr().matches("(?s).*gdtls-probe-WARNING \\*\\*: [0-9:.]+: probe warning.*"),
                child.toString());
    }

    @Test
    void aFatalMessageIsLoggedAndPrintedBeforeGLibAborts() throws Exception {
        // G_DEBUG=fatal-warnings makes the warning fatal, as G_LOG_LEVEL_ERROR always is; the test hook refuses
        // ERROR itself only because it cannot return. No core file: the abort is expected.
        Child child = runProbe(Map.of("G_DEBUG", "fatal-warnings"), List.of(), List.of("sh", "-c",
                "ulimit -c 0; exec \"$@\"", "sh"));
        assertTrue(child.exitCode() != 0, child.toString());
        assertEquals(1, child.javaLines().size(), child.toString());
        assertTrue(child.javaLines().get(0).contains("WARNING: probe warning"), child.toString());
        assertTrue(child.stderr().matches("(?s).*gdtls-probe-WARNING \\*\\*: [0-9:.]+: probe warning.*"),
                child.toString());
        assertFalse(child.stdout().contains("DONE"), child.toString());
    }

    private Seen only(String loggerName) {
        List<Seen> matching = seen.stream().filter(s -> s.record().getLoggerName().equals(loggerName)).toList();
        assertEquals(1, matching.size(), () -> "records: " + seen.stream()
                .map(s -> s.record().getLoggerName() + " " + s.record().getMessage()).toList());
        return matching.get(0);
    }

    private static BytePointer cString(byte[] bytes) {
        BytePointer p = new BytePointer(bytes.length + 1L);
        p.put(bytes, 0, bytes.length).put(bytes.length, (byte) 0);
        return p;
    }

    record Child(int exitCode, List<String> stdout, String stderr) {
        /** Records of the probe's domain (GLib may log others, e.g. GLib-GIO's debug messages). */
        List<String> javaLines() {
            return stdout.stream().filter(l -> l.startsWith("JAVA org.gdtls.glib.gdtls-probe ")).toList();
        }
    }

    private static Child runProbe(Map<String, String> env, List<String> jvmArgs, String... args)
            throws IOException, InterruptedException {
        Child child = runProbe(env, jvmArgs, List.of(), args);
        assertEquals(0, child.exitCode(), child.stderr());
        assertTrue(child.stdout().contains("DONE"), child.toString());
        return child;
    }

    private static Child runProbe(Map<String, String> env, List<String> jvmArgs, List<String> wrapper,
                                  String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(wrapper);
        command.add(java);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GLibLogProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("G_MESSAGES_DEBUG");
        pb.environment().remove("G_DEBUG");
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        // The child writes a few lines to each stream, far below a pipe's buffer: reading one after the other is safe.
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Child(p.exitValue(), stdout.lines().toList(), stderr);
    }
}
