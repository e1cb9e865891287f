package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every value of the C enums in the installed gioenums.h has a Java constant, and nothing more. */
class EnumsTest {

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
    })
    void javaEnumMatchesTheHeader(String cType, String prefix, String javaEnum, String notMirrored) throws Exception {
        Set<String> c = enumerators(cType, prefix);
        Set<String> ignored = Set.of(notMirrored.split("\\|"));
        c.removeAll(ignored);
        Set<String> java = Arrays.stream(Class.forName(javaEnum).getEnumConstants()).map(e -> ((Enum<?>) e).name())
                .filter(n -> !ignored.contains(n)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(c, java);
    }

    private static Set<String> enumerators(String cType, String prefix) throws IOException {
        Path header = Path.of(System.getProperty("gdtls.glib.includedir", "/usr/include/glib-2.0"), "gio/gioenums.h");
        String text = Files.readString(header).replaceAll("(?s)/\\*.*?\\*/", "");
        Matcher close = Pattern.compile("\\}\\s*" + cType + "\\b[^;]*;").matcher(text); // may carry a deprecation macro
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
