package org.gdtls;

import java.nio.file.Path;
import java.util.Objects;

import org.bytedeco.javacpp.BytePointer;
import org.gdtls.internal.gen.GTlsDatabase;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;

/** A {@code GTlsDatabase}: the trust anchors a connection validates its peer against. */
public final class TlsDatabase implements AutoCloseable {
    final ObjectHandle<GTlsDatabase> handle;

    private TlsDatabase(GTlsDatabase owned) {
        this.handle = new ObjectHandle<>(this, owned, "TlsDatabase");
    }

    /** Wraps an owned object (transfer full): this wrapper's reference. */
    static TlsDatabase adopt(GTlsDatabase owned) {
        return new TlsDatabase(owned);
    }

    /** Wraps a borrowed object (transfer none): takes a reference of its own; null stays null. */
    static TlsDatabase borrow(GTlsDatabase borrowed) {
        if (borrowed == null || borrowed.isNull()) {
            return null;
        }
        Gio.g_object_ref(borrowed);
        return new TlsDatabase(new GTlsDatabase(borrowed));
    }

    /**
     * {@code g_tls_file_database_new}: trusts the CA certificates of a PEM file. The path is made absolute: GIO
     * ignores a relative anchors path (with a warning) and then trusts nothing.
     */
    @Wraps("g_tls_file_database_new")
    public static TlsDatabase fromFile(Path caFile) throws GioException {
        Objects.requireNonNull(caFile, "caFile");
        NativeLibrary.ensureLoaded();
        try (BytePointer path = CStrings.utf8(caFile.toAbsolutePath().toString())) {
            GErrorSlot error = GErrorSlot.ofThread();
            GTlsDatabase db = Gio.g_tls_file_database_new(path, error.out());
            error.check();
            return new TlsDatabase(db);
        }
    }

    /**
     * {@code g_tls_backend_get_default_database}: the system's trust store, or the database given to
     * {@link TlsBackend#setDefaultDatabase} if one was. The same as {@link TlsBackend#defaultDatabase()}.
     */
    @Wraps("g_tls_backend_get_default_database")
    public static TlsDatabase systemDefault() {
        return TlsBackend.defaultDatabase();
    }

    @Override
    public void close() {
        handle.close();
    }
}
