package org.gdtls.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.gdtls.Gdtls;
import org.gdtls.GioUnavailableException;
import org.gdtls.TlsBackend;

import picocli.CommandLine.Command;

/**
 * {@code gdtls info}: what this machine's GIO offers for DTLS. What the public API of {@code org.gdtls} tells comes
 * from it; the library files GIO loaded come from {@code /proc/self/maps}, and their packages' versions from dpkg
 * where there is one. What none of these can tell is said so.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        header = "GLib, glib-networking, GnuTLS and GIO's TLS backend on this machine",
        description = {"Prints the GLib, glib-networking and GnuTLS in use, GIO's TLS backend, the GIO module "
                + "directory and the environment variables GIO and glib-networking read."})
final class InfoCommand implements Callable<Integer> {
    /** The variables that change which TLS backend GIO loads and how it behaves. */
    static final List<String> ENVIRONMENT = List.of("GIO_USE_TLS", "GIO_MODULE_DIR", "GIO_EXTRA_MODULES",
            "G_TLS_GNUTLS_PRIORITY", "G_MESSAGES_DEBUG");

    @Override
    public Integer call() {
        print("gdtls-java", GdtlsCommand.Version.of());
        print("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        try {
            Gdtls.load();
        } catch (GioUnavailableException e) {
            environment();
            return new Output(false, System.err).fail(e, null);
        }
        print("glib", Gdtls.glibVersion() + " (runtime)");
        print("glib build", "not exposed by the public API");
        String backend = Gdtls.tlsBackendName();
        print("tls backend", backend);
        print("dtls types", TlsBackend.dtlsClientConnectionType() + " (client), "
                + TlsBackend.dtlsServerConnectionType() + " (server)");
        boolean supportsDtls = TlsBackend.supportsDtls();
        print("supports_dtls", supportsDtls ? "true" : "false (g_tls_backend_supports_dtls: glib-networking's GnuTLS "
                + "backend answers FALSE although DTLS works; `gdtls demo` runs a handshake)");

        List<Path> loaded = loadedFiles();
        List<Path> modules = loaded.stream().filter(InfoCommand::isGioModule).toList();
        Optional<Path> tlsModule = modules.stream().filter(p -> p.getFileName().toString().contains("tls")).findFirst();
        print("glib-networking", tlsModule.map(m -> packaged(m, "the TLS backend module")).orElse(
                "unknown: no TLS backend module among the files this process loaded"));
        print("gnutls", loaded.stream().filter(p -> p.getFileName().toString().startsWith("libgnutls.so")).findFirst()
                .map(lib -> packaged(lib, "the library")).orElse("unknown: libgnutls is not loaded (another backend?)"));
        String moduleDir = System.getenv("GIO_MODULE_DIR");
        print("gio module dir", moduleDir != null ? moduleDir + " (GIO_MODULE_DIR)"
                : tlsModule.map(m -> m.getParent() + " (where the TLS backend module was loaded from)")
                        .orElse("unknown (GIO_MODULE_DIR is unset and no module is loaded)"));
        print("gio modules", modules.isEmpty() ? "(none loaded)"
                : String.join(" ", modules.stream().map(p -> p.getFileName().toString()).toList()) + " (loaded)");
        environment();
        return GdtlsCommand.OK;
    }

    private static void environment() {
        System.out.println("environment:");
        for (String name : ENVIRONMENT) {
            String value = System.getenv(name);
            System.out.println("  " + name + (value == null ? " (unset)" : "=" + value));
        }
    }

    private static void print(String key, String value) {
        System.out.printf("%-16s %s%n", key + ":", value);
    }

    /** A shared object GIO loaded as a module: a file in GIO_MODULE_DIR, or in a gio/modules directory. */
    private static boolean isGioModule(Path file) {
        String moduleDir = System.getenv("GIO_MODULE_DIR");
        Path dir = file.getParent();
        return dir != null && (moduleDir != null && dir.equals(Path.of(moduleDir))
                || dir.getFileName().toString().equals("modules") && dir.getParent() != null
                        && dir.getParent().getFileName().toString().equals("gio"));
    }

    /** The files mapped into this process (Linux), in the order they appear. */
    private static List<Path> loadedFiles() {
        Set<Path> files = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf(" /");
                if (slash > 0 && !line.endsWith(" (deleted)")) {
                    files.add(Path.of(line.substring(slash + 1).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return new ArrayList<>(files);
    }

    /** "VERSION (dpkg package PACKAGE, WHAT FILE)", or the file alone when dpkg cannot tell. */
    private static String packaged(Path file, String what) {
        Optional<String> owner = owner(file.toString());
        if (owner.isEmpty() && file.startsWith("/usr")) {
            owner = owner(file.toString().substring("/usr".length())); // dpkg may know it by its pre-merged-/usr path
        }
        Optional<String> version = owner.flatMap(pkg -> dpkg("-W", "-f=${Version}", pkg));
        if (version.isPresent()) {
            return version.get() + " (dpkg package " + owner.get() + ", " + what + " " + file + ")";
        }
        return "unknown version (no dpkg package owns " + what + " " + file + ")";
    }

    /** The package that owns a file: dpkg-query -S prints "PACKAGE: FILE". */
    private static Optional<String> owner(String file) {
        return dpkg("-S", file).filter(s -> s.contains(": ")).map(s -> s.substring(0, s.indexOf(": ")));
    }

    /** The first line dpkg-query prints, if it runs and succeeds within 5 s. */
    private static Optional<String> dpkg(String... args) {
        List<String> command = new ArrayList<>(List.of("dpkg-query"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // Its few lines fit in the pipe: wait first, so that a process that never ends cannot block the read.
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String first = output.lines().findFirst().orElse("").trim();
            return process.exitValue() == 0 && !first.isEmpty() ? Optional.of(first) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no dpkg-query on this system
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
