package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.NativeLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every value of the C enums in the installed gioenums.h has a Java constant with the same value. The Java enums
 * may know values of a newer GLib than the one installed (listed in NEWER_THAN_HEADER with the GLib that added
 * them), nothing else.
 */
class EnumsTest {
    /** Constants a GLib newer than the required one added, and since which GLib (major * 10000 + minor * 100). */
    private static final Map<String, Integer> NEWER_THAN_HEADER = Map.of(
            "G_IO_ERROR_DESTINATION_UNSET", 2_80_00);

    @BeforeAll
    static void load() {
        NativeLibrary.ensureLoaded();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "GTlsError,               G_TLS_ERROR_,                 org.gdtls.TlsError,               UNKNOWN",
            "GIOErrorEnum,            G_IO_ERROR_,                  org.gdtls.IOErrorEnum,            UNKNOWN",
            "GTlsChannelBindingError, G_TLS_CHANNEL_BINDING_ERROR_, org.gdtls.TlsChannelBindingError, UNKNOWN",
            "GTlsCertificateFlags,    G_TLS_CERTIFICATE_,           org.gdtls.TlsCertificateFlags,    NO_FLAGS|VALIDATE_ALL",
            "GTlsProtocolVersion,     G_TLS_PROTOCOL_VERSION_,      org.gdtls.ProtocolVersion,        ''",
            "GTlsAuthenticationMode,  G_TLS_AUTHENTICATION_,        org.gdtls.TlsAuthenticationMode,  ''",
            "GTlsChannelBindingType,  G_TLS_CHANNEL_BINDING_,       org.gdtls.TlsChannelBindingType,  ''",
            "GTlsRehandshakeMode,     G_TLS_REHANDSHAKE_,           org.gdtls.TlsRehandshakeMode,     ''",
            "GTlsInteractionResult,   G_TLS_INTERACTION_,           org.gdtls.TlsInteractionResult,   ''",
            "GTlsPasswordFlags,       G_TLS_PASSWORD_,              org.gdtls.TlsPasswordFlags,       NONE",
            "GTlsDatabaseLookupFlags, G_TLS_DATABASE_LOOKUP_,       org.gdtls.TlsDatabaseLookupFlags, NONE",
    })
    void javaEnumMatchesTheHeader(String cType, String prefix, String javaEnum, String notMirrored) throws Exception {
        Set<String> c = enumerators(cType, prefix);
        Set<String> ignored = Set.of(notMirrored.split("\\|"));
        c.removeAll(ignored);
        Map<String, Enum<?>> java = Arrays.stream(Class.forName(javaEnum).getEnumConstants()).map(e -> (Enum<?>) e)
                .filter(e -> !ignored.contains(e.name()))
                .collect(Collectors.toMap(Enum::name, e -> e, (a, b) -> a, TreeMap::new));

        Set<String> missing = new TreeSet<>(c);
        missing.removeAll(java.keySet());
        assertEquals(Set.of(), missing, javaEnum + " lacks values of " + cType);

        int headerVersion = Glue.gdtls_glib_build_version();
        for (Enum<?> constant : java.values()) {
            String cName = prefix + constant.name();
            if (c.contains(constant.name())) {
                OptionalLong value = headerValue(cName);
                if (value.isPresent() && hasCode(constant)) {
                    assertEquals(value.getAsLong(), code(constant), cName + " in " + javaEnum);
                }
            } else {
                Integer since = NEWER_THAN_HEADER.get(cName);
                assertTrue(since != null && since > headerVersion,
                        javaEnum + "." + constant.name() + " is not in this GLib's " + cType + " ("
                                + headerVersion + "), and not listed as newer");
            }
        }
    }

    /** The value JavaCPP generated from the same header, if the enumerator became a constant. */
    private static OptionalLong headerValue(String cName) throws IllegalAccessException {
        try {
            return OptionalLong.of(((Number) Gio.class.getField(cName).get(null)).longValue());
        } catch (NoSuchFieldException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean hasCode(Enum<?> constant) {
        return Arrays.stream(constant.getClass().getMethods()).anyMatch(m -> m.getName().equals("code")
                && m.getParameterCount() == 0 && (m.getReturnType() == int.class || m.getReturnType() == long.class));
    }

    private static long code(Enum<?> constant) throws ReflectiveOperationException {
        return ((Number) constant.getClass().getMethod("code").invoke(constant)).longValue();
    }

    private static Set<String> enumerators(String cType, String prefix) throws IOException {
        Path header = Path.of(System.getProperty("gdtls.glib.includedir", "/usr/include/glib-2.0"), "gio/gioenums.h");
        String text = Files.readString(header).replaceAll("(?s)/\\*.*?\\*/", "");
        // "} GTlsError;", "} G_GNUC_FLAG_ENUM GTlsPasswordFlags;" (GLib 2.86+), or a deprecation macro after the name
        Matcher close = Pattern.compile("\\}\\s*(?:G_GNUC_\\w+\\s+)*" + cType + "\\b[^;]*;").matcher(text);
        if (!close.find()) {
            throw new AssertionError(cType + " not found in " + header);
        }
        int end = close.start();
        int start = text.lastIndexOf("typedef enum", end);
        String body = text.substring(text.indexOf('{', start) + 1, end);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b" + prefix + "([A-Z0-9_]+)").matcher(body);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
