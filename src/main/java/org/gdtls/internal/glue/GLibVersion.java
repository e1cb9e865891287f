package org.gdtls.internal.glue;

import org.gdtls.GioUnavailableException;
import org.gdtls.internal.gen.global.Glue;

/**
 * GLib versions as the glue reports them (gdtls_version.h: major * 10000 + minor * 100 + micro): the oldest the
 * binding supports, the headers it was built against, and the library this process runs on.
 */
public final class GLibVersion {
    private GLibVersion() {}

    /** The libglib loaded in this process, e.g. 28404 for 2.84.4. */
    public static int runtime() {
        NativeLibrary.ensureLoaded();
        return Glue.gdtls_glib_runtime_version();
    }

    /** Refuses a GLib older than required, naming the three versions. */
    static void check(int required, int built, int runtime) {
        if (runtime < required) {
            throw new GioUnavailableException("gdtls-java needs GLib " + format(required) + " or later (built against "
                    + format(built) + "), but this process loaded GLib " + format(runtime) + ". Upgrade GLib "
                    + "(libglib2.0-0), or rebuild gdtls-java with -Dglib.required=" + majorMinor(runtime)
                    + " at your own risk: that GLib is not tested.", null);
        }
    }

    /** "2.84.4" */
    public static String format(int version) {
        return version / 10000 + "." + version / 100 % 100 + "." + version % 100;
    }

    /** "2.84" */
    public static String majorMinor(int version) {
        return version / 10000 + "." + version / 100 % 100;
    }
}
