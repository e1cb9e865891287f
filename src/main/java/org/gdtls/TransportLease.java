package org.gdtls;

import org.gdtls.internal.datagram.ConditionWaits;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.glue.ObjectHandle;

/** The {@code GDatagramBased*} behind a {@link DatagramTransport}, under its wrapper's lease. */
final class TransportLease {
    private TransportLease() {}

    private static ObjectHandle<?> handle(DatagramTransport transport) {
        if (transport instanceof UdpSocket socket) {
            return socket.handle;
        }
        if (transport instanceof QueuedTransport queued) {
            return queued.handle;
        }
        return ((FilteredTransport) transport).handle;
    }

    /** The condition checks and waits of {@code transport} (see {@link DatagramTransport#conditionWait}). */
    static ConditionWaits readiness(DatagramTransport transport) {
        if (transport instanceof UdpSocket socket) {
            return socket.readiness;
        }
        if (transport instanceof QueuedTransport queued) {
            return queued.readiness;
        }
        return ((FilteredTransport) transport).readiness;
    }

    /** Starts a native call on the transport; pair with {@link #release} in finally. */
    static GDatagramBased acquire(DatagramTransport transport) {
        return new GDatagramBased(handle(transport).acquire());
    }

    static void release(DatagramTransport transport) {
        handle(transport).release();
    }

    /**
     * What a call that failed on a connection over {@code transport} reports: CLOSED if the UdpSocket at the
     * bottom was closed under it (see {@link UdpSocket#close}), otherwise {@code failure} itself.
     */
    static GioException closedIfShut(DatagramTransport transport, GioException failure) {
        if (transport instanceof FilteredTransport filtered) {
            return closedIfShut(filtered.base, failure);
        }
        return transport instanceof UdpSocket socket ? socket.closedIfShut(failure) : failure;
    }

    /** True once the UdpSocket at the bottom of {@code transport} was closed (see {@link UdpSocket#close}). */
    static boolean isShut(DatagramTransport transport) {
        if (transport instanceof FilteredTransport filtered) {
            return isShut(filtered.base);
        }
        return transport instanceof UdpSocket socket && socket.isShut();
    }
}
