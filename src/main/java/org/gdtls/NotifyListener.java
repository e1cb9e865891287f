package org.gdtls;

/**
 * A handler of GObject's {@code notify} signal: {@code property} (its canonical name, e.g.
 * {@code peer-certificate}) changed. Runs on the thread that changed it; for the properties a handshake sets,
 * that is the thread that called {@code handshake()}. An exception it throws is reported
 * ({@link Gdtls#setCallbackExceptionHandler}) and never reaches GIO.
 */
@FunctionalInterface
public interface NotifyListener {
    void propertyChanged(DtlsConnection connection, String property);
}
