package org.gdtls;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.GLibLogWriter;

/**
 * Run in a child JVM by {@link GLibLogTest}: prints each record that reaches the {@code org.gdtls.glib} loggers as
 * {@code JAVA <logger> <level> <message>} on stdout, then logs a warning (this thread) and a debug message (a new
 * GThread) through GLib. With argument {@code throwing} the handler throws instead of printing; with {@code stopped}
 * the glue is told first that the JVM shuts down (what the writer's shutdown hook does).
 */
public final class GLibLogProbe {
    // Held strongly: java.util.logging keeps loggers only weakly, and a collected one would lose its handler.
    private static final Logger GLIB = Logger.getLogger("org.gdtls.glib");

    public static void main(String[] args) {
        boolean throwing = args.length > 0 && args[0].equals("throwing");
        GLIB.setLevel(Level.ALL);
        GLIB.setUseParentHandlers(false);
        GLIB.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (throwing) {
                    throw new IllegalStateException("this handler always fails");
                }
                System.out.println("JAVA " + r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        Gdtls.load();
        if (args.length > 0 && args[0].equals("stopped")) {
            Glue.gdtls_log_writer_stop_java();
        }
        Glue.gdtls_test_log("gdtls-probe", GLibLogWriter.G_LOG_LEVEL_WARNING, "probe warning", 0);
        Glue.gdtls_test_log("gdtls-probe", GLibLogWriter.G_LOG_LEVEL_DEBUG, "probe debug", 1);
        System.out.println("DONE");
    }
}
