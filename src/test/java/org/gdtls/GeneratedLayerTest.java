package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated layer covers every function the installed GIO headers declare for DTLS and GDatagramBased, and
 * every function and constant of the glue's headers, each in its own global class.
 */
class GeneratedLayerTest {
    private static final Pattern DECLARATION = Pattern.compile("\\b(g_[a-z_]+)\\s*\\(", Pattern.MULTILINE);
    private static final Pattern GLUE_DECLARATION = Pattern.compile("\\b(gdtls_[a-z0-9_]+)\\s*\\(");
    private static final Pattern GLUE_CONSTANT = Pattern.compile("(?m)^#define (GDTLS_[A-Z0-9_]+) +-?\\d+\\b");

    /** Enum values built from glibconfig.h macros (the Parser once read G_IO_IN as 0). */
    @ParameterizedTest
    @CsvSource({
            "G_IO_IN, GLIB_SYSDEF_POLLIN", "G_IO_OUT, GLIB_SYSDEF_POLLOUT", "G_IO_PRI, GLIB_SYSDEF_POLLPRI",
            "G_IO_ERR, GLIB_SYSDEF_POLLERR", "G_IO_HUP, GLIB_SYSDEF_POLLHUP", "G_IO_NVAL, GLIB_SYSDEF_POLLNVAL",
            "G_SOCKET_FAMILY_IPV4, GLIB_SYSDEF_AF_INET", "G_SOCKET_FAMILY_IPV6, GLIB_SYSDEF_AF_INET6",
            "G_SOCKET_MSG_PEEK, GLIB_SYSDEF_MSG_PEEK",
    })
    void constantsFromGlibconfigHaveTheirRealValues(String constant, String sysdef) throws Exception {
        Path config;
        try (var found = Files.find(Path.of("/usr/lib"), 4, (p, a) -> p.endsWith("glib-2.0/include/glibconfig.h"))) {
            config = found.findFirst().orElseThrow();
        }
        Matcher m = Pattern.compile("#define " + sysdef + " =?(\\d+)").matcher(Files.readString(config));
        assertTrue(m.find(), sysdef + " not in " + config);
        assertEquals(Integer.parseInt(m.group(1)), Gio.class.getField(constant).getInt(null), constant);
    }

    @ParameterizedTest
    @CsvSource({
            "gio/gdtlsconnection.h, g_dtls_connection_",
            "gio/gdtlsclientconnection.h, g_dtls_client_connection_",
            "gio/gdtlsserverconnection.h, g_dtls_server_connection_",
            "gio/gdatagrambased.h, g_datagram_based_",
    })
    void everyDeclaredFunctionIsGenerated(String header, String prefix) throws IOException {
        Path file = Path.of(System.getProperty("gdtls.glib.includedir", "/usr/include/glib-2.0"), header);
        String text = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", ""); // drop comments (they name functions too)
        Set<String> declared = new TreeSet<>();
        Matcher m = DECLARATION.matcher(text);
        while (m.find()) {
            if (m.group(1).startsWith(prefix)) {
                declared.add(m.group(1));
            }
        }
        assertTrue(declared.size() >= 2, "found too few declarations in " + file + ": " + declared);
        Gdtls.load();
        Set<String> generated = Arrays.stream(Gio.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(generated);
        assertEquals(Set.of(), missing, "declared in " + header + " but not generated");
    }

    /**
     * The glue's headers (native/include) are GluePreset's alone: each function and numeric constant they declare
     * is in Glue, none is in Gio.
     */
    @Test
    void glueHeadersAreGeneratedIntoGlueOnly() throws IOException {
        Set<String> declared = new TreeSet<>();
        try (Stream<Path> headers = Files.list(Path.of("native/include"))) {
            for (Path header : headers.filter(p -> p.toString().endsWith(".h")).toList()) {
                String text = Files.readString(header).replaceAll("(?s)/\\*.*?\\*/", "");
                for (Pattern p : new Pattern[] {GLUE_DECLARATION, GLUE_CONSTANT}) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        declared.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(declared.contains("gdtls_signal_connect") && declared.contains("GDTLS_CALLBACK_RELEASE"),
                "found too few declarations in native/include: " + declared);
        Gdtls.load();
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(members(Glue.class));
        assertEquals(Set.of(), missing, "declared in native/include but not generated into Glue");
        Set<String> inGio = members(Gio.class).stream().filter(n -> n.startsWith("gdtls_") || n.startsWith("GDTLS_"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), inGio, "glue symbols generated into Gio");
    }

    private static Set<String> members(Class<?> global) {
        return Stream.concat(Arrays.stream(global.getMethods()).map(Method::getName),
                Arrays.stream(global.getFields()).map(Field::getName)).collect(Collectors.toSet());
    }

    /**
     * The native libraries find each other through {@code $ORIGIN} only: no build directory in their RUNPATH, since
     * the jar carries them to other machines (JavaCPP adds each link path there unless told otherwise). Every
     * platform directory the build made: linux-x86_64, and linux-arm64 after a build with -Plinux-arm64.
     */
    @Test
    void nativeLibrariesCarryNoBuildPath() throws Exception {
        Path global = Path.of(Gio.class.getResource("Gio.class").toURI()).getParent();
        assertTrue(Files.isDirectory(global.resolve("linux-x86_64")), "no linux-x86_64 in " + global);
        List<Path> platforms;
        try (Stream<Path> dirs = Files.list(global)) {
            platforms = dirs.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : platforms) {
            checkRunpaths(dir);
        }
    }

    private static void checkRunpaths(Path dir) throws Exception {
        List<Path> libraries;
        try (Stream<Path> files = Files.list(dir)) {
            libraries = files.filter(f -> f.getFileName().toString().endsWith(".so")).sorted().toList();
        }
        assertTrue(libraries.size() >= 3, "libjniGio, libjniGlue and libgdtls-glue in " + dir + ": " + libraries);
        for (Path library : libraries) {
            Process readelf = new ProcessBuilder("readelf", "-d", library.toString()).redirectErrorStream(true).start();
            String dynamic = new String(readelf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, readelf.waitFor(), dynamic);
            Matcher path = Pattern.compile("\\((?:RUNPATH|RPATH)\\)\\s+Library r(?:un)?path: \\[(.*)]").matcher(dynamic);
            while (path.find()) {
                for (String entry : path.group(1).split(":")) {
                    assertTrue(entry.startsWith("$ORIGIN"), library.getFileName() + " has " + entry + " in " + path.group());
                }
            }
        }
    }
}
