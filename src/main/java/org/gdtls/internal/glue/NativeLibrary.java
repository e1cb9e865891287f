package org.gdtls.internal.glue;

import org.bytedeco.javacpp.Loader;
import org.gdtls.GioUnavailableException;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;

/**
 * Loads the generated JNI libraries, {@code jniGio} (and with it libgio, libgobject and libglib) then
 * {@code jniGlue} (and with it the glue, libgdtls-glue), binds the glue's trampoline to Java and checks that a
 * real TLS backend is installed. Every public entry point calls {@link #ensureLoaded()} first, so a missing
 * library surfaces as one clear exception, not an UnsatisfiedLinkError.
 */
public final class NativeLibrary {
    private static final Object LOCK = new Object();
    private static volatile boolean loaded;
    private static GioUnavailableException failure;

    private NativeLibrary() {}

    public static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (LOCK) {
            if (loaded) {
                return;
            }
            if (failure == null) {
                try {
                    load();
                    loaded = true;
                    return;
                } catch (GioUnavailableException e) {
                    failure = e;
                }
            }
            // Every later call fails the same way, with its own stack trace.
            throw new GioUnavailableException(failure.getMessage(), failure);
        }
    }

    private static void load() {
        try {
            Loader.load(Gio.class);
            Loader.load(Glue.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new GioUnavailableException("Cannot load GLib/GIO (" + e.getMessage() + "). gdtls-java needs "
                    + "libgio-2.0.so.0: on Debian/Ubuntu install it with `apt-get install libglib2.0-0 "
                    + "glib-networking`.", e);
        }
        checkGLibVersion();
        CallbackDispatcher.initialize();
        int rc = Glue.gdtls_glue_init(Loader.getJavaVM());
        if (rc != Glue.GDTLS_GLUE_OK) {
            throw new GioUnavailableException("gdtls glue library failed to bind to the JVM (code " + rc + ")", null);
        }
        GLibLogWriter.install();
        checkTlsBackend();
    }

    /**
     * Before any other GLib call: the generated layer binds only the required GLib's API, so an older GLib would
     * fail later, on the first function it lacks. Say which versions instead.
     */
    private static void checkGLibVersion() {
        GLibVersion.check(Glue.gdtls_glib_required_version(), Glue.gdtls_glib_build_version(),
                Glue.gdtls_glib_runtime_version());
    }

    /** Without glib-networking, GIO falls back to GDummyTlsBackend, which fails every TLS call. */
    private static void checkTlsBackend() {
        String backend = Glue.gdtls_object_type_name(Gio.g_tls_backend_get_default()).getString();
        if (backend.equals("GDummyTlsBackend")) {
            throw new GioUnavailableException("GIO has no TLS backend (found " + backend + "): install the "
                    + "GnuTLS backend with `apt-get install glib-networking` (GIO_MODULE_DIR="
                    + System.getenv("GIO_MODULE_DIR") + ")", null);
        }
    }
}
