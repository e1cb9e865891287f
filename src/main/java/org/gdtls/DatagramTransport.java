package org.gdtls;

import java.time.Duration;
import java.util.Set;

/**
 * What a DTLS connection runs over: a {@code GDatagramBased}. A {@link UdpSocket} (a {@code GSocket}) connected to
 * its one peer, a {@link FilteredTransport} around a transport, a {@link PeerTransport} for one peer of a shared
 * socket, or a {@link CustomTransport} over a carrier of the application's own. The connection keeps the
 * transport's GObject alive while it needs it, so the Java wrapper may be closed after the connection is created.
 *
 * <p>Every transport answers {@code g_datagram_based_condition_check} and {@code g_datagram_based_condition_wait}
 * on its own {@code GDatagramBased}: what a connection over it would see. {@code IN} means a receive on the
 * transport returns without waiting, {@code OUT} that a send does; each class says what that is for it.
 */
public sealed interface DatagramTransport permits UdpSocket, FilteredTransport, QueuedTransport {
    /**
     * {@code g_datagram_based_condition_check} on the transport: which of {@code conditions} hold now, without
     * blocking; {@code ERR} and {@code HUP} may be reported as well.
     *
     * @throws IllegalArgumentException if {@code conditions} is empty
     * @throws IllegalStateException once this wrapper is closed
     */
    @Wraps("g_datagram_based_condition_check")
    default Set<IOCondition> conditionCheck(Set<IOCondition> conditions) {
        return TransportLease.readiness(this).check(conditions);
    }

    /**
     * {@code g_datagram_based_condition_wait} on the transport: true once one of {@code conditions} holds, false
     * once {@code timeout} has passed and none does. Closing this wrapper wakes the wait.
     *
     * @param timeout null or negative waits without bound (GIO's -1); zero is one {@link #conditionCheck}
     * @param cancellable null, or ends the wait with {@link IOErrorEnum#CANCELLED}
     * @throws IOErrorException {@link IOErrorEnum#CANCELLED} when {@code cancellable} is cancelled,
     *     {@link IOErrorEnum#CLOSED} if this wrapper (or the {@link UdpSocket} at the bottom of a
     *     {@link FilteredTransport}) is closed before or during the wait
     * @throws IllegalArgumentException if {@code conditions} is empty
     */
    @Wraps("g_datagram_based_condition_wait")
    default boolean conditionWait(Set<IOCondition> conditions, Duration timeout, Cancellable cancellable)
            throws GioException {
        return TransportLease.readiness(this).await(conditions, timeout, Cancellable.core(cancellable));
    }
}
