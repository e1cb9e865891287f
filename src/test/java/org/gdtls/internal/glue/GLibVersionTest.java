package org.gdtls.internal.glue;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gdtls.GioUnavailableException;
import org.gdtls.internal.gen.global.Glue;
import org.junit.jupiter.api.Test;

class GLibVersionTest {

    @Test
    void anOlderGLibIsRefusedByName() {
        GioUnavailableException e = assertThrows(GioUnavailableException.class,
                () -> GLibVersion.check(2_74_00, 2_84_04, 2_72_04));
        assertTrue(e.getMessage().startsWith("gdtls-java needs GLib 2.74.0 or later (built against 2.84.4), but this "
                + "process loaded GLib 2.72.4."), e.getMessage());
    }

    @Test
    void theRequiredGLibAndNewerAreAccepted() {
        assertDoesNotThrow(() -> GLibVersion.check(2_74_00, 2_74_06, 2_74_00));
        assertDoesNotThrow(() -> GLibVersion.check(2_74_00, 2_74_06, 2_90_01));
    }

    /** The versions the glue reports: the build's glib.required, the headers and the loaded libglib agree here. */
    @Test
    void thisProcessRunsOnASupportedGLib() {
        NativeLibrary.ensureLoaded();
        int required = Glue.gdtls_glib_required_version();
        assertEquals(0, required % 100, "the required version is a minor release");
        assertTrue(Glue.gdtls_glib_build_version() >= required);
        assertTrue(GLibVersion.runtime() >= Glue.gdtls_glib_build_version() / 100 * 100,
                "the loaded GLib is at least the minor release the build saw");
        assertEquals(System.getProperty("gdtls.glib.required", "2.74") + ".0", GLibVersion.format(required));
    }
}
