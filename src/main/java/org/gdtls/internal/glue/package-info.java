/**
 * The Java side of the C glue ({@code native/}): loading the native libraries, the one callback trampoline
 * ({@code CallbackDispatcher}, targets held by registry handle), GObject reference ownership
 * ({@code ObjectHandle}: leases, idempotent close, a Cleaner as safety net; {@code NativeCancellable}), and the
 * conversions every call needs (GError to exception, C strings, properties, flag masks, log records).
 *
 * <p>May depend on: the generated layer ({@code internal.gen}), JavaCPP, and the public exception and listener
 * types of {@code org.gdtls}. Nothing here knows a connection.
 */
package org.gdtls.internal.glue;
