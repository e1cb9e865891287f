package org.gdtls.internal.glue;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.gdtls.internal.gen.global.Glue;

/**
 * The Java end of the glue's GLib log writer ({@code native/src/log_writer.c}): every message GLib, GIO or
 * glib-networking logs goes to the {@link System.Logger} named {@code org.gdtls.glib.<domain>}, e.g.
 * {@code org.gdtls.glib.GLib-GObject}; a message without a domain goes to {@code org.gdtls.glib.default}.
 *
 * <p>Levels: GLib's ERROR and CRITICAL become {@code ERROR}, WARNING {@code WARNING}, MESSAGE and INFO
 * {@code INFO}, DEBUG {@code DEBUG}, a user-defined level {@code INFO}. Debug and info messages reach Java only if
 * GLib would print them ({@code G_MESSAGES_DEBUG}). An ERROR (or a level made fatal by {@code G_DEBUG}) is also
 * printed on stderr, since GLib aborts the process right after it.
 *
 * <p>The system property {@value #PROPERTY}, read once when the library loads, chooses: {@code java} (the
 * default) installs the writer; {@code stderr} keeps GLib's own writer. GLib aborts the process if a log writer
 * is set twice, so an application that sets its own with {@code g_log_set_writer_func} must choose
 * {@code stderr}.
 *
 * <p>Handling a message calls no GLib function, so it cannot log recursively. A logging handler that itself calls
 * into gdtls runs inside GLib's writer: GLib then sends any message logged on that thread to stderr.
 */
public final class GLibLogWriter {
    /** The system property that chooses where GLib's messages go: {@code java} (default) or {@code stderr}. */
    public static final String PROPERTY = "gdtls.glib.log";
    /** Logger names are this prefix followed by the GLib log domain. */
    public static final String LOGGER_PREFIX = "org.gdtls.glib.";
    /** The logger of messages logged without a domain (GLib's default "" domain). */
    public static final String NO_DOMAIN_LOGGER = LOGGER_PREFIX + "default";

    // GLogLevelFlags (glib/gmessages.h), which the generated layer does not parse; stable since GLib 2.0.
    public static final int G_LOG_LEVEL_ERROR = 1 << 2;
    public static final int G_LOG_LEVEL_CRITICAL = 1 << 3;
    public static final int G_LOG_LEVEL_WARNING = 1 << 4;
    public static final int G_LOG_LEVEL_MESSAGE = 1 << 5;
    public static final int G_LOG_LEVEL_INFO = 1 << 6;
    public static final int G_LOG_LEVEL_DEBUG = 1 << 7;

    /** Domains are few (one or two per library); the cap only guards against a program that invents them. */
    private static final int MAX_CACHED_LOGGERS = 256;
    private static final Map<String, System.Logger> LOGGERS = new ConcurrentHashMap<>();

    private GLibLogWriter() {}

    /** Called once by {@link NativeLibrary} after the glue is bound: installs the writer unless opted out. */
    static void install() {
        String mode = System.getProperty(PROPERTY, "java").trim().toLowerCase(Locale.ROOT);
        if (mode.equals("stderr")) {
            return;
        }
        System.Logger log = System.getLogger("org.gdtls");
        if (!mode.equals("java")) {
            // Installing on a typo could abort a process that meant to opt out because it has its own writer.
            log.log(Level.WARNING, "Unknown -D" + PROPERTY + "=" + mode + " (expected java or stderr): GLib's "
                    + "messages stay on stderr");
            return;
        }
        try {
            // Registered first: once shutdown has begun, the writer must stop calling Java.
            Runtime.getRuntime().addShutdownHook(new Thread(Glue::gdtls_log_writer_stop_java, "gdtls-glib-log"));
        } catch (IllegalStateException shuttingDown) {
            return;
        }
        int rc = Glue.gdtls_log_writer_install();
        if (rc < 0) {
            log.log(Level.WARNING, "GLib log writer not installed (glue code " + rc + "): GLib's messages stay on "
                    + "stderr");
        }
    }

    /**
     * Called from C only ({@code log_writer.c} looks it up by this name and signature), on the thread that logged.
     * Never throws and never calls GLib. Returns false if the message could not be handed to the logger: C then
     * prints it with GLib's default writer.
     *
     * @param level GLogLevelFlags without the FATAL/RECURSION flags
     * @param domain GLIB_DOMAIN, or null
     * @param message MESSAGE, or null
     * @param file CODE_FILE, or null (messages of the old g_log API carry no location)
     * @param line CODE_LINE, or null
     * @param func CODE_FUNC, or null
     */
    static boolean write(int level, byte[] domain, byte[] message, byte[] file, byte[] line, byte[] func) {
        try {
            String domainName = domain == null || domain.length == 0 ? null : utf8(domain);
            System.Logger logger = logger(domainName);
            Level javaLevel = javaLevel(level);
            if (logger.isLoggable(javaLevel)) {
                logger.log(javaLevel, format(domainName, level, message, file, line, func));
            }
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** The System.Logger level of a GLib level (GLogLevelFlags; the most severe bit wins). */
    public static Level javaLevel(int glibLevel) {
        if ((glibLevel & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) != 0) {
            return Level.ERROR;
        }
        if ((glibLevel & G_LOG_LEVEL_WARNING) != 0) {
            return Level.WARNING;
        }
        if ((glibLevel & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO)) != 0) {
            return Level.INFO;
        }
        if ((glibLevel & G_LOG_LEVEL_DEBUG) != 0) {
            return Level.DEBUG;
        }
        return Level.INFO; // a user-defined level (above G_LOG_LEVEL_USER_SHIFT)
    }

    /** The logger name of a GLib log domain (null: no domain). */
    public static String loggerName(String domain) {
        return domain == null ? NO_DOMAIN_LOGGER : LOGGER_PREFIX + domain;
    }

    private static System.Logger logger(String domain) {
        String key = domain == null ? "" : domain;
        System.Logger logger = LOGGERS.get(key);
        if (logger == null) {
            logger = System.getLogger(loggerName(domain));
            if (LOGGERS.size() < MAX_CACHED_LOGGERS) {
                LOGGERS.putIfAbsent(key, logger);
            }
        }
        return logger;
    }

    /** E.g. "GLib domain GLib-GObject, CRITICAL: text [at ../gobject/gobject.c:42 g_object_unref]". */
    private static String format(String domain, int level, byte[] message, byte[] file, byte[] line,
                                 byte[] func) {
        StringBuilder text = new StringBuilder(128);
        text.append(domain == null ? "GLib (no domain)" : "GLib domain " + domain).append(", ")
                .append(levelName(level)).append(": ").append(message == null ? "(no message)" : utf8(message));
        if (file != null || func != null) {
            text.append(" [at ");
            if (file != null) {
                text.append(utf8(file));
                if (line != null) {
                    text.append(':').append(utf8(line));
                }
            }
            if (func != null && func.length > 0) {
                text.append(file != null ? " " : "").append(utf8(func));
            }
            text.append(']');
        }
        return text.toString();
    }

    /** GLib's own names of its levels, as its default writer prints them. */
    private static String levelName(int level) {
        if ((level & G_LOG_LEVEL_ERROR) != 0) {
            return "ERROR";
        } else if ((level & G_LOG_LEVEL_CRITICAL) != 0) {
            return "CRITICAL";
        } else if ((level & G_LOG_LEVEL_WARNING) != 0) {
            return "WARNING";
        } else if ((level & G_LOG_LEVEL_MESSAGE) != 0) {
            return "Message";
        } else if ((level & G_LOG_LEVEL_INFO) != 0) {
            return "INFO";
        } else if ((level & G_LOG_LEVEL_DEBUG) != 0) {
            return "DEBUG";
        }
        return "LOG-0x" + Integer.toHexString(level);
    }

    /** UTF-8 with malformed bytes replaced by U+FFFD (GLib does not promise valid UTF-8). */
    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8); // always replaces malformed input
    }
}
