package org.gdtls;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a main class of the test classpath in a child JVM, for scenarios that could kill the process: the test
 * JVM survives to report how the child ended (its exit code, its output, and any hs_err file it left).
 */
final class ChildJvm {
    /** How a child ended. {@code exitCode} 134 is an abort (a GLib assertion), -1 a child killed at the timeout. */
    record Result(int exitCode, String stdout, String stderr, List<Path> crashLogs) {
        /** Exited normally, left no hs_err file, and printed no JNI warning (when run under -Xcheck:jni). */
        boolean survived() {
            return exitCode == 0 && crashLogs.isEmpty() && !stderr.contains("in native method");
        }

        String describe() {
            return "exit " + exitCode + (crashLogs.isEmpty() ? "" : ", crash logs " + crashLogs) + "\n--- stdout\n"
                    + stdout + "--- stderr\n" + stderr;
        }
    }

    private ChildJvm() {}

    static Result run(Path workDir, long timeoutSeconds, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return run(workDir, timeoutSeconds, List.of("-cp", System.getProperty("java.class.path")), main.getName(),
                args);
    }

    /**
     * As {@link #run(Path, long, Class, String...)}, with {@code environment} changed in the child: each entry is
     * set, or removed where its value is null (a {@link java.util.HashMap} allows that). For variables a native
     * library reads once per process, e.g. glib-networking's {@code G_TLS_GNUTLS_PRIORITY}.
     */
    static Result run(Path workDir, long timeoutSeconds, Map<String, String> environment, Class<?> main,
                      String... args) throws IOException, InterruptedException {
        return run(workDir, timeoutSeconds, environment,
                List.of("-cp", System.getProperty("java.class.path")), main.getName(), args);
    }

    /**
     * As {@link #run(Path, long, Class, String...)}, with the child's class or module path given in
     * {@code pathArgs} (e.g. {@code -cp} with {@link #testClassPathWith}).
     */
    static Result run(Path workDir, long timeoutSeconds, List<String> pathArgs, String main, String... args)
            throws IOException, InterruptedException {
        return run(workDir, timeoutSeconds, Map.of(), pathArgs, main, args);
    }

    /** As above, with {@code environment} changed for the child (a null value removes the variable). */
    static Result run(Path workDir, long timeoutSeconds, Map<String, String> environment,
                      List<String> pathArgs, String main, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder child = new ProcessBuilder(command(workDir, pathArgs, main, args)).directory(workDir.toFile());
        environment.forEach((name, value) -> {
            if (value == null) {
                child.environment().remove(name);
            } else {
                child.environment().put(name, value);
            }
        });
        Result ended = finish(child.start(), timeoutSeconds);
        List<Path> crashLogs;
        try (Stream<Path> files = Files.list(workDir)) {
            crashLogs = files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
        }
        return new Result(ended.exitCode(), ended.stdout(), ended.stderr(), crashLogs);
    }

    /**
     * The command line of a child JVM that runs {@code main}: this JVM's java, an hs_err file in {@code workDir},
     * {@code pathArgs}, the test.child.jvm.args, then {@code args}; for a child that a test starts itself (to talk
     * to it, or to give it an environment).
     */
    static List<String> command(Path workDir, List<String> pathArgs, String main, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The VM's own messages (-Xcheck:jni warnings, its SIGPIPE notice) go to stderr: stdout is the child's, and
        // a VM line written into the middle of it once split a JSON event the test was reading.
        List<String> command = new ArrayList<>(List.of(java, "-XX:ErrorFile=" + workDir.resolve("hs_err_%p.log"),
                "-XX:+DisplayVMOutputToStderr"));
        command.addAll(pathArgs);
        String extra = System.getProperty("test.child.jvm.args", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add(main);
        command.addAll(List.of(args));
        return command;
    }

    /** The test JVM's class path with {@code extra} entries appended. */
    static String testClassPathWith(List<Path> extra) {
        StringBuilder classpath = new StringBuilder(System.getProperty("java.class.path"));
        extra.forEach(entry -> classpath.append(File.pathSeparator).append(entry));
        return classpath.toString();
    }

    /**
     * Waits for any child process within {@code timeoutSeconds}, reading its output meanwhile (a blocking read
     * could outlive every timeout); at the timeout it kills the process and its descendants (exit code -1).
     */
    static Result finish(Process p, long timeoutSeconds) throws InterruptedException {
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        int exit;
        if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            exit = p.exitValue();
        } else {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // they hold the output pipes too
            p.destroyForcibly().waitFor();
            exit = -1;
        }
        return new Result(exit, out.join(), err.join(), List.of());
    }

    private static CompletableFuture<String> drain(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }, TestThreads.BLOCKING);
    }
}
