package org.gdtls.internal.glue;

import java.util.function.BiConsumer;

/** Where exceptions thrown by user callbacks go: they never unwind into C. */
public final class CallbackErrors {
    private static final System.Logger LOG = System.getLogger("org.gdtls");
    private static volatile BiConsumer<String, Throwable> handler = CallbackErrors::log;

    private CallbackErrors() {}

    public static void setHandler(BiConsumer<String, Throwable> newHandler) {
        handler = newHandler == null ? CallbackErrors::log : newHandler;
    }

    public static void report(String where, Throwable error) {
        try {
            handler.accept(where, error);
        } catch (Throwable handlerFailure) {
            log(where, error);
            log("callback exception handler", handlerFailure);
        }
    }

    private static void log(String where, Throwable error) {
        LOG.log(System.Logger.Level.ERROR, "Exception in " + where + " (ignored, treated as not handled)", error);
    }
}
