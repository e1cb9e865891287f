package org.gdtls.internal.presets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.BuildEnabled;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;
import org.bytedeco.javacpp.tools.Logger;

/**
 * The JavaCPP preset of GLib/GIO: which headers are parsed into the generated layer ({@code org.gdtls.internal.gen},
 * global class {@code org.gdtls.internal.gen.global.Gio}) and how GLib's macros and typedefs read to JavaCPP's
 * Parser. The Parser only reads the headers listed in {@code include}, in order; the C++ compiler then checks the
 * generated JNI against the real headers. The C glue's own headers have their own preset, {@link GluePreset}, which
 * inherits this one.
 */
@Properties(
        target = "org.gdtls.internal.gen",
        global = "org.gdtls.internal.gen.global.Gio",
        value = @Platform(
                value = "linux",
                // GLib core: only the pieces the binding calls (errors, quarks, memory, object references, signals).
                include = {
                        "glib/gquark.h",
                        "glib/gmem.h",
                        "glib/glist.h",
                        "glib/garray.h",
                        "glib/gbytes.h",
                        "glib/gdatetime.h",
                        "glib/gmain.h",
                        "glib/gerror.h",
                        "gobject/gvalue.h",
                        "gobject/gvaluetypes.h",
                        "gobject/genums.h",
                        "gobject/gboxed.h",
                        "gobject/gobject.h",
                        "gobject/gsignal.h",
                        "gio/giotypes.h",
                        "gio/gioenums.h",
                        "gio/gioerror.h",
                        "gio/gcancellable.h",
                        "gio/gsocketaddress.h",
                        "gio/ginetaddress.h",
                        "gio/ginetsocketaddress.h",
                        "gio/gsocketconnectable.h",
                        "gio/gnetworkaddress.h",
                        "gio/gsocket.h",
                        "gio/gdatagrambased.h",
                        "gio/gtlsbackend.h",
                        "gio/gtlscertificate.h",
                        "gio/gtlsdatabase.h",
                        "gio/gtlsfiledatabase.h",
                        "gio/gtlsinteraction.h",
                        "gio/gtlspassword.h",
                        "gio/gtlsconnection.h",
                        "gio/gdtlsconnection.h",
                        "gio/gdtlsclientconnection.h",
                        "gio/gdtlsserverconnection.h",
                },
                // The generated JNI must see every declaration, so the umbrella headers come first.
                cinclude = {"glib.h", "glib-object.h", "gio/gio.h"},
                link = {"gio-2.0@.0", "gobject-2.0@.0", "glib-2.0@.0"},
                compiler = "cpp11"))
public class GioPreset implements InfoMapper, BuildEnabled {

    /** The GLib the generated layer binds, whatever newer GLib the build sees: the pom's glib.required. */
    static final String REQUIRED_GLIB_PROPERTY = "gdtls.glib.required";

    /**
     * Functions that newer GLib headers declare in a form the Parser drops, declared here as GLib 2.74 does.
     * Since 2.78, gmem.h writes {@code void (g_free) (gpointer mem);} beside a {@code g_free(mem)} macro.
     */
    private static final Map<String, String> EXPLICIT_DECLARATIONS = Map.of(
            "g_free", "public static native void g_free(Pointer mem);");

    private List<String> includePaths = List.of();
    private int requiredMinor;

    @Override
    public void init(Logger logger, java.util.Properties properties, String encoding) {
        includePaths = Loader.loadProperties(GioPreset.class, properties, true).get("platform.includepath");
        String required = properties.getProperty(REQUIRED_GLIB_PROPERTY);
        Matcher version = Pattern.compile("2\\.(\\d+)").matcher(required == null ? "" : required);
        if (!version.matches()) {
            throw new IllegalStateException(REQUIRED_GLIB_PROPERTY + " must be set to a GLib version 2.N, not "
                    + required);
        }
        requiredMinor = Integer.parseInt(version.group(1));
    }

    @Override
    public void map(InfoMap infoMap) {
        mapSystemDefines(infoMap);
        mapMacros(infoMap);
        mapBasicTypes(infoMap);
        mapOpaqueGLibTypes(infoMap);
        skipUnneeded(infoMap);
        skipNewerThanRequired(infoMap);
        EXPLICIT_DECLARATIONS.forEach((name, java) -> infoMap.put(new Info(name).javaText(java)));
        // "typedef struct _GError GError;" comes before the struct body: one Java class per C type, named as in C.
        for (String struct : List.of("GError", "GInputVector", "GOutputVector", "GInputMessage", "GOutputMessage",
                "GValue", "GList", "GByteArray", "GPtrArray", "GArray")) {
            infoMap.put(new Info("_" + struct).pointerTypes(struct));
        }
        // A struct member named finalize would override Object.finalize().
        infoMap.put(new Info("_GObjectClass::finalize", "_GSourceFuncs::finalize").javaNames("finalize_"));
    }

    /**
     * glibconfig.h's GLIB_SYSDEF_* (GIOCondition, GSocketFamily, GSocketMsgFlags values) exactly as this
     * platform's GLib defines them, e.g. {@code #define GLIB_SYSDEF_POLLIN =1}. The Parser does not read
     * glibconfig.h, and guessing the values would silently give wrong constants.
     */
    private void mapSystemDefines(InfoMap infoMap) {
        Matcher m = Pattern.compile("(?m)^#define (GLIB_SYSDEF_\\w+) (.*)$").matcher(read("glibconfig.h"));
        while (m.find()) {
            infoMap.put(new Info(m.group(1)).cppText(m.group()));
        }
    }

    /** GLib's declaration decorations carry no meaning for Java: read them as annotations. */
    private static void mapMacros(InfoMap infoMap) {
        List<String> annotations = new ArrayList<>(List.of(
                "G_BEGIN_DECLS", "G_END_DECLS", "GLIB_AVAILABLE_IN_ALL", "GIO_AVAILABLE_IN_ALL",
                "GOBJECT_AVAILABLE_IN_ALL", "GLIB_VAR", "GIO_VAR", "GOBJECT_VAR",
                "G_GNUC_CONST", "G_GNUC_PURE", "G_GNUC_MALLOC", "G_GNUC_WARN_UNUSED_RESULT",
                "G_GNUC_NULL_TERMINATED", "G_GNUC_DEPRECATED", "G_GNUC_NO_INSTRUMENT", "G_GNUC_INTERNAL",
                "G_GNUC_FLAG_ENUM", "G_GNUC_NORETURN", "G_GNUC_UNUSED", "G_GNUC_MAY_ALIAS",
                "GLIB_DEPRECATED", "GIO_DEPRECATED", "GOBJECT_DEPRECATED", "G_ANALYZER_NORETURN"));
        List<String> withArguments = new ArrayList<>(List.of(
                "G_GNUC_PRINTF", "G_GNUC_SCANF", "G_GNUC_FORMAT", "G_GNUC_ALLOC_SIZE", "G_GNUC_ALLOC_SIZE2",
                "GLIB_DEPRECATED_FOR", "GIO_DEPRECATED_FOR", "GOBJECT_DEPRECATED_FOR",
                "GLIB_UNAVAILABLE", "GIO_UNAVAILABLE", "GOBJECT_UNAVAILABLE",
                "G_GNUC_DEPRECATED_FOR", "G_UNAVAILABLE"));
        for (int minor = 26; minor <= 90; minor += 2) {
            for (String lib : List.of("GLIB", "GIO", "GOBJECT")) {
                annotations.add(lib + "_AVAILABLE_IN_2_" + minor);
                annotations.add(lib + "_DEPRECATED_IN_2_" + minor);
                annotations.add(lib + "_AVAILABLE_STATIC_INLINE_IN_2_" + minor);
                annotations.add(lib + "_AVAILABLE_MACRO_IN_2_" + minor);
                annotations.add(lib + "_AVAILABLE_ENUMERATOR_IN_2_" + minor);
                annotations.add(lib + "_AVAILABLE_TYPE_IN_2_" + minor);
                annotations.add(lib + "_DEPRECATED_MACRO_IN_2_" + minor);
                annotations.add(lib + "_DEPRECATED_ENUMERATOR_IN_2_" + minor);
                annotations.add(lib + "_DEPRECATED_TYPE_IN_2_" + minor);
                withArguments.add(lib + "_DEPRECATED_IN_2_" + minor + "_FOR");
                withArguments.add(lib + "_DEPRECATED_MACRO_IN_2_" + minor + "_FOR");
                withArguments.add(lib + "_DEPRECATED_ENUMERATOR_IN_2_" + minor + "_FOR");
                withArguments.add(lib + "_DEPRECATED_TYPE_IN_2_" + minor + "_FOR");
            }
        }
        infoMap.put(new Info(annotations.toArray(new String[0])).cppTypes().annotations());
        // These expand to _Pragma, which g++ rejects where JavaCPP would copy an annotation (inside a
        // declarator): make them expand to nothing instead.
        for (String macro : List.of("G_GNUC_BEGIN_IGNORE_DEPRECATIONS", "G_GNUC_END_IGNORE_DEPRECATIONS")) {
            infoMap.put(new Info(macro).cppText("#define " + macro));
        }
        for (String macro : withArguments) {
            infoMap.put(new Info(macro).cppText("#define " + macro + "(...)").cppTypes().annotations());
        }
    }

    /** glibconfig.h/gtypes.h typedefs (not parsed) as Java primitives, keeping the C type in a cast. */
    private static void mapBasicTypes(InfoMap infoMap) {
        infoMap.put(new Info("gboolean", "gint", "gint32", "guint", "guint32", "GQuark", "gunichar", "gsize_int_unused")
                        .cast().valueTypes("int").pointerTypes("IntPointer", "IntBuffer", "int[]"))
               .put(new Info("gint64", "guint64", "gsize", "gssize", "goffset", "glong", "gulong", "GType",
                             "gintptr", "guintptr", "time_t")
                        .cast().valueTypes("long").pointerTypes("SizeTPointer", "LongBuffer", "long[]"))
               .put(new Info("gint16", "guint16", "gshort", "gushort")
                        .cast().valueTypes("short").pointerTypes("ShortPointer", "ShortBuffer", "short[]"))
               .put(new Info("gchar", "const gchar").cast().valueTypes("byte").pointerTypes("BytePointer", "String"))
               .put(new Info("guchar", "gint8", "guint8")
                        .cast().valueTypes("byte").pointerTypes("BytePointer", "ByteBuffer", "byte[]"))
               .put(new Info("gdouble").cast().valueTypes("double").pointerTypes("DoublePointer"))
               .put(new Info("gfloat").cast().valueTypes("float").pointerTypes("FloatPointer"))
               .put(new Info("gpointer", "gconstpointer").cast().valueTypes("Pointer").pointerTypes("PointerPointer"))
               .put(new Info("GStrv").cast().valueTypes("PointerPointer"))
               // enums of headers we do not parse
               .put(new Info("GIOCondition", "GConnectFlags", "GFileError").cast().valueTypes("int")
                        .pointerTypes("IntPointer"));

    }

    /**
     * GLib types declared in headers we do not parse: a {@code Pointer} in Java, but the cast keeps the C type in
     * the generated JNI (so {@code GVariant*} never silently becomes {@code char*}).
     */
    private static void mapOpaqueGLibTypes(InfoMap infoMap) {
        for (String type : List.of("GSList", "GVariant", "GVariantType", "GTimeZone",
                "GPollFD", "GParamSpec", "GClosure", "GTypeInstance",
                "GTypeClass", "GTypeInterface", "GTypeModule", "GData",
                "GHashTable", "GString", "GMainLoop", "GThread", "GObjectConstructParam",
                "GSignalQuery", "GSignalInvocationHint", "GInitiallyUnowned", "GInitiallyUnownedClass",
                "GTypeInfo", "GInterfaceInfo", "GEnumValue", "GFlagsValue", "GTimeVal", "GIConv", "GCClosure",
                "GParameter", "GWeakRef", "GTypeValueTable", "GIOStreamClass", "GCond", "GMutex")) {
            infoMap.put(new Info(type).cast().pointerTypes("Pointer"));
        }
        // Function-pointer typedefs, passed by value as plain C pointers (the cast keeps the C type). The binding
        // passes the glue's C trampolines (e.g. gdtls_async_ready_callback()), never JavaCPP FunctionPointers, so
        // there is one callback mechanism: a registry handle as user data.
        for (String type : List.of("GDestroyNotify", "GDuplicateFunc", "GCopyFunc", "GCallback", "GClosureNotify",
                "GClosureMarshal", "GSignalEmissionHook", "GSignalAccumulator", "GSourceFunc", "GFunc",
                "GCompareFunc", "GCompareDataFunc", "GHFunc", "GEqualFunc", "GHashFunc", "GVaClosureMarshal",
                "GSignalCVaMarshaller", "GTypeClassCacheFunc", "GTypeInterfaceCheckFunc", "GBaseInitFunc",
                "GBaseFinalizeFunc", "GClassInitFunc", "GClassFinalizeFunc", "GInstanceInitFunc",
                "GInterfaceInitFunc", "GInterfaceFinalizeFunc", "GPollFunc",
                "GAsyncReadyCallback", "GDatagramBasedSourceFunc", "GCancellableSourceFunc")) {
            infoMap.put(new Info(type).cast().valueTypes("Pointer").pointerTypes("Pointer"));
        }
    }

    /**
     * Every function a parsed header marks {@code *_AVAILABLE_IN_2_N} or {@code *_AVAILABLE_STATIC_INLINE_IN_2_N}
     * with N above the required GLib is left out. The generated layer is then the same whichever GLib the build
     * sees, and its JNI library links only symbols the required GLib has: a jar built on GLib 2.90 still loads on
     * 2.74. Whatever new idioms a newer header brings to its new declarations never reach the Parser either.
     */
    private void skipNewerThanRequired(InfoMap infoMap) {
        // The macro, the return type, then the name (in parentheses since 2.78 for some) before its parameters.
        Pattern newer = Pattern.compile("\\b(?:GLIB|GIO|GOBJECT)_AVAILABLE_(?:STATIC_INLINE_)?IN_2_(\\d+)\\s+[^;(]*?\\(?\\s*(\\w+)\\s*\\)?\\s*\\(");
        List<String> skipped = new ArrayList<>();
        for (String header : GioPreset.class.getAnnotation(Properties.class).value()[0].include()) {
            Matcher m = newer.matcher(read(header));
            while (m.find()) {
                if (Integer.parseInt(m.group(1)) > requiredMinor) {
                    skipped.add(m.group(2));
                }
            }
        }
        if (!skipped.isEmpty()) {
            infoMap.put(new Info(skipped.toArray(new String[0])).skip());
        }
    }

    private String read(String header) {
        Path file = includePaths.stream().map(dir -> Path.of(dir, header)).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException(header + " not found in " + includePaths));
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What cannot be bound faithfully (varargs: JavaCPP would drop the NULL sentinel; va_list) or what the binding
     * never calls and would only grow the generated layer.
     */
    private static void skipUnneeded(InfoMap infoMap) {
        infoMap.put(new Info("g_object_new", "g_object_connect", "g_object_disconnect", "g_object_get",
                "g_object_set", "g_signal_emit", "g_signal_emit_by_name", "g_signal_chain_from_overridden_handler",
                "g_error_new_valist", "g_object_new_valist", "g_object_set_valist",
                "g_object_get_valist", "g_signal_emit_valist", "g_signal_new_valist", "g_error_set_error_literal",
                "g_prefix_error_literal", "g_signal_newv", "g_signal_new", "g_signal_new_class_handler",
                "g_error_domain_register", "g_error_domain_register_static",
                "g_object_interface_install_property", "g_object_interface_find_property",
                "g_object_interface_list_properties", "g_cclosure_new_object", "g_cclosure_new_object_swap",
                "g_closure_new_object", "g_object_watch_closure", "g_signal_set_va_marshaller",
                "g_socket_receive_message", "g_socket_send_message", "g_socket_send_message_with_timeout",
                "g_clear_error", "g_propagate_prefixed_error", "g_prefix_error", "g_set_error",
                "g_propagate_error", "g_error_new", "g_io_error_from_win32_error", "G_DEFINE_AUTOPTR_CLEANUP_FUNC",
                "G_SIGNAL_TYPE_STATIC_SCOPE", "G_MEM_ALIGN", "G_VALUE_INIT", "G_SOURCE_REMOVE", "G_SOURCE_CONTINUE",
                "GChildWatchFunc", "g_child_watch_add", "g_child_watch_add_full", "g_child_watch_source_new",
                "g_list_free1", "g_steal_pointer", "g_clear_pointer",
                // declared in gsignal.h but private: libgobject does not export it (an undefined symbol in jniGio,
                // found by scripts/arm64-check.sh)
                "_g_signals_destroy")
                .skip());
    }
}
