/**
 * GObject signals delivered to Java listeners: {@code SignalConnections} (the handlers one wrapper connected,
 * reached from the trampoline only weakly, so no listener becomes a GC root) and {@code ConnectionSignals}
 * (a DTLS connection's {@code accept-certificate} and {@code notify}, dispatched to the public listener types).
 *
 * <p>May depend on: {@code internal.glue}, {@code internal.gen}, and public types of {@code org.gdtls}.
 */
package org.gdtls.internal.signal;
