package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** GTlsDatabase: g_tls_file_database_new and the backend's default database. */
class TlsDatabaseTest {

    @Test
    @Covers({"g_tls_file_database_new"})
    void fileDatabase() throws Exception {
        try (TlsDatabase db = TlsDatabase.fromFile(LoopbackPair.pki("ca.pem"))) {
            assertEquals("GTlsFileDatabaseGnutls", GObjectOracle.typeName(db.handle.address()));
        }
        GioException missing = assertThrows(GioException.class,
                () -> TlsDatabase.fromFile(Path.of("/nonexistent/ca.pem")));
        System.out.println("missing CA file: " + missing);
    }

    @Test
    @Covers({"g_tls_backend_get_default_database"})
    void systemDefaultIsShared() {
        try (TlsDatabase a = TlsDatabase.systemDefault(); TlsDatabase b = TlsDatabase.systemDefault()) {
            assertEquals(a.handle.address(), b.handle.address()); // the backend caches one default database
        }
    }
}
