package org.gdtls.bench;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The test PKI (src/test/resources/org/gdtls/pki), which the bench profile has on its classpath. */
final class BenchPki {
    static final String SERVER_IDENTITY = "server.example.com";

    private BenchPki() {}

    static Path file(String name) {
        URL url = BenchPki.class.getResource("/org/gdtls/pki/" + name);
        if (url == null) {
            throw new IllegalStateException("test PKI not on the classpath: /org/gdtls/pki/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
