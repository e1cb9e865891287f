/**
 * The datagram path of a connection, the hot path: {@code DatagramIo} (a lease, the gate that keeps I/O and
 * explicit handshakes in the orders glib-networking survives, one call per direction into {@code DatagramBatch}),
 * {@code DatagramBatch} (native message structs written in place over the caller's direct buffers, one JNI call),
 * and {@code ReadyRetry} (receiveAsync/sendAsync: a non-blocking attempt repeated on the pump when ready).
 * Nothing on the blocking one-datagram path allocates.
 *
 * <p>May depend on: {@code internal.async}, {@code internal.glue}, {@code internal.gen}, and public types of
 * {@code org.gdtls}.
 */
package org.gdtls.internal.datagram;
