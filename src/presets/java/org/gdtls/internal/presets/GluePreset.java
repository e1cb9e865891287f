package org.gdtls.internal.presets;

import java.util.List;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * The glue's JavaCPP preset: the C glue's own headers ({@code native/include}) are parsed into their own global
 * class, {@code org.gdtls.internal.gen.global.Glue}, whose JNI library ({@code jniGlue}) links the glue library
 * ({@code libgdtls-glue}, built by CMake). So a call reads {@code Glue.gdtls_signal_connect(...)} beside
 * {@code Gio.g_dtls_connection_handshake(...)}.
 * <p>
 * It inherits {@link GioPreset}: the Parser first reads GioPreset's headers with GioPreset's {@code InfoMap},
 * generating nothing from them, so the GIO types the glue headers use ({@code GDatagramBased}, {@code GMainContext},
 * {@code GSource}, {@code GCancellable}, ...) are the classes of {@code org.gdtls.internal.gen} that GioPreset
 * generates; and the JNI is compiled with the same umbrella headers, compiler and GLib libraries.
 */
@Properties(
        inherit = GioPreset.class,
        target = "org.gdtls.internal.gen",
        global = "org.gdtls.internal.gen.global.Glue",
        value = @Platform(
                value = "linux",
                // gdtls_glue.h includes the first two, but the Parser follows no #include: each is listed.
                include = {
                        "gdtls_filter.h",
                        "gdtls_peer.h",
                        "gdtls_demux.h",
                        "gdtls_glue.h",
                        "gdtls_database.h",
                        "gdtls_version.h",
                },
                link = "gdtls-glue"))
public class GluePreset implements InfoMapper {

    @Override
    public void map(InfoMap infoMap) {
        // The glue's function-pointer typedefs, passed as plain C pointers like GLib's (see GioPreset).
        for (String type : List.of("GdtlsDatagramFilterFunc", "GdtlsDatagramSendFunc")) {
            infoMap.put(new Info(type).cast().valueTypes("Pointer").pointerTypes("Pointer"));
        }
    }
}
