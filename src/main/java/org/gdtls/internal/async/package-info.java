/**
 * How operations end without a thread waiting for them: the pump's {@code GMainContext} loop ({@code PumpLoop},
 * behind the public {@code MainContextPump}), a GIO {@code _async}/{@code _finish} pair as a CompletableFuture
 * ({@code AsyncOperation}), a {@code g_datagram_based_create_source} watch ({@code DatagramWatch}), deadlines for
 * blocking calls ({@code Deadlines}), and the futures a close or a shutdown must end ({@code PendingFutures}).
 *
 * <p>May depend on: {@code internal.glue}, {@code internal.gen}, and public types of {@code org.gdtls}
 * (exceptions, {@code IOCondition}, {@code Subscription}, {@code Cancellable}). Not on {@code internal.datagram}
 * or {@code internal.signal}.
 */
package org.gdtls.internal.async;
