package org.gdtls;

import java.util.function.BiConsumer;

import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.GLibVersion;
import org.gdtls.internal.glue.NativeLibrary;

/** Process-wide settings and facts of the binding. */
public final class Gdtls {
    private Gdtls() {}

    /**
     * Where exceptions thrown by listeners go (they never unwind into C). The handler gets a description of the
     * callback and the exception. {@code null} restores the default: logging through {@link System.Logger}
     * {@code org.gdtls}.
     */
    public static void setCallbackExceptionHandler(BiConsumer<String, Throwable> handler) {
        CallbackErrors.setHandler(handler);
    }

    /** Loads GIO now instead of at first use; throws {@link GioUnavailableException} if it cannot be used. */
    public static void load() {
        NativeLibrary.ensureLoaded();
    }

    /**
     * The GLib this process runs on, e.g. {@code "2.84.4"}: glib-networking's behaviour varies with it (see
     * docs/gio-versions.md). The binding supports the GLib it was built to require and every later one.
     */
    @Wraps({"glib_major_version", "glib_minor_version", "glib_micro_version"})
    public static String glibVersion() {
        return GLibVersion.format(GLibVersion.runtime());
    }

    /** The GType name of GIO's default TLS backend, e.g. {@code GTlsBackendGnutls}: {@link TlsBackend#typeName()}. */
    public static String tlsBackendName() {
        return TlsBackend.typeName();
    }
}
