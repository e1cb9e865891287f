package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process whose stdout and stderr are read line by line as they come, for tests that talk to it while it runs:
 * the {@code gdtls} command in a child JVM, and the interop peers (openssl, gnutls-cli/-serv, the JDK's DTLS).
 * Every wait is bounded by {@link #WAIT}.
 */
final class LineProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** Lines kept of each stream: a peer tool that loops on a message (gnutls-serv can) must not fill the heap. */
    private static final int MAX_LINES = 5000;

    final Process process;
    private final List<String> lines = new ArrayList<>();
    /** The stdout line not ended yet: a peer may print data without a newline (openssl s_server does). */
    private final StringBuilder partial = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private int stderrLines;
    private final List<Thread> readers = new ArrayList<>();

    LineProcess(Path dir, List<String> command) throws IOException {
        this(new ProcessBuilder(command).directory(dir.toFile()));
    }

    /** A process started from {@code builder} (with {@code redirectErrorStream}, its stderr is part of stdout). */
    LineProcess(ProcessBuilder builder) throws IOException {
        process = builder.start();
        reader(process.getInputStream(), true);
        reader(process.getErrorStream(), false);
    }

    /** {@code gdtls ARGS} in a child JVM in {@code dir}, with the command's classes and its own temporary directory. */
    static LineProcess gdtls(Path dir, String... args) throws IOException {
        Path tmp = java.nio.file.Files.createDirectories(dir.resolve("tmp"));
        return new LineProcess(dir, ChildJvm.command(dir, GdtlsCommandTest.jvmArgs(tmp), GdtlsCommandTest.COMMAND, args));
    }

    private void reader(InputStream in, boolean stdout) {
        Thread thread = new Thread(() -> {
            char[] chunk = new char[4096];
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                for (int n; (n = r.read(chunk)) > 0; ) {
                    if (stdout) {
                        stdout(chunk, n);
                    } else {
                        stderr(chunk, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            if (stdout) {
                stdout(new char[] {'\n'}, partialLength() > 0 ? 1 : 0);
            }
        }, "process-output");
        thread.setDaemon(true);
        thread.start();
        readers.add(thread);
    }

    private void stdout(char[] chunk, int n) {
        synchronized (lines) {
            for (int i = 0; i < n; i++) {
                if (chunk[i] != '\n') {
                    partial.append(chunk[i]);
                } else {
                    if (lines.size() < MAX_LINES) {
                        lines.add(partial.toString());
                    }
                    partial.setLength(0);
                }
            }
            lines.notifyAll();
        }
    }

    private int partialLength() {
        synchronized (lines) {
            return partial.length();
        }
    }

    private void stderr(char[] chunk, int n) {
        synchronized (stderr) {
            for (int i = 0; i < n && stderrLines < MAX_LINES; i++) {
                stderr.append(chunk[i]);
                stderrLines += chunk[i] == '\n' ? 1 : 0;
            }
        }
    }

    /** Waits until stdout, ended lines or the line being written, contains {@code fragment}. */
    void awaitOutput(String fragment) throws InterruptedException {
        await(fragment, line -> line.contains(fragment));
    }

    /** The first stdout line (from the start) that matches, waiting for it. */
    String await(Predicate<String> wanted) throws InterruptedException {
        return await(null, wanted);
    }

    /** As {@link #await(Predicate)}; with a {@code fragment}, the line being written counts as well. */
    private String await(String fragment, Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (wanted.test(line)) {
                        return line;
                    }
                }
                if (fragment != null && partial.indexOf(fragment) >= 0) {
                    return partial.toString();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such line within " + WAIT + "\n" + describe());
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The JSON event of stdout that {@code wanted} accepts. */
    Map<String, Object> event(Predicate<Map<String, Object>> wanted) throws InterruptedException {
        return FlatJson.parse(await(line -> line.startsWith("{") && wanted.test(FlatJson.parse(line))));
    }

    /** Whether a stdout line so far matches, without waiting. */
    boolean saw(Predicate<String> wanted) {
        synchronized (lines) {
            return lines.stream().anyMatch(wanted);
        }
    }

    void send(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** The end of its stdin. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** SIGTERM, as Ctrl-C would do (SIGINT may be ignored by a child of a background job); keeps the pipes open. */
    void terminate() {
        process.toHandle().destroy(); // Process.destroy() would close our end of its output first
    }

    /** Waits for the process to end and for its output to be read; returns its exit code. */
    int exit() throws InterruptedException {
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "still running\n" + describe());
        for (Thread reader : readers) {
            reader.join(WAIT.toMillis());
        }
        return process.exitValue();
    }

    /** As {@link #exit()}, for a child JVM: also checks it left no hs_err file and printed no JNI warning. */
    int jvmExit(Path dir) throws InterruptedException, IOException {
        int code = exit();
        GdtlsCommandTest.assertNoJvmTrouble(dir, stderr());
        return code;
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    String describe() {
        synchronized (lines) {
            return "--- stdout\n" + String.join("\n", lines) + "\n" + partial + "\n--- stderr\n" + stderr();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
