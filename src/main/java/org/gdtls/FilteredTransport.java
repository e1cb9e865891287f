package org.gdtls;

import java.util.Objects;

import org.gdtls.internal.datagram.ConditionWaits;

import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;

/**
 * A {@code GDatagramBased} between a DTLS connection and its base transport that asks a {@link DatagramFilter}
 * about every datagram and silently drops the refused ones (the glue's {@code GdtlsFilterDatagram}). Sources,
 * condition checks and waits are the base's: {@link #conditionCheck} reports {@code IN} when a datagram waits
 * there, even one the filter will drop on receive (a receive after it may then still block). Closing this wrapper,
 * or the {@link UdpSocket} at the bottom, wakes a {@link #conditionWait}. Receives return one datagram per call.
 *
 * <pre>{@code
 * try (FilteredTransport lossy = FilteredTransport.over(socket, (dir, serial, len) -> !(dir == OUT && serial == 1))) {
 *     DtlsClientConnection conn = DtlsClientConnection.create(lossy, "server.example.com"); // ClientHello resent after 1 s
 * }
 * }</pre>
 *
 * <p>The filter is held until the native object is finalized, i.e. after this wrapper and every connection over
 * it are closed; it must not reach those connections strongly, or it keeps them alive.
 */
public final class FilteredTransport implements DatagramTransport, AutoCloseable {
    final ObjectHandle<GDatagramBased> handle;
    final DatagramTransport base;
    final ConditionWaits readiness;

    private FilteredTransport(GDatagramBased owned, DatagramTransport base) {
        this.handle = new ObjectHandle<>(this, owned, "FilteredTransport");
        this.base = base;
        this.readiness = new ConditionWaits(handle, failure -> TransportLease.closedIfShut(base, failure), null,
                () -> TransportLease.isShut(base));
    }

    /** Wraps {@code base} (which stays open and owned by the caller); {@code filter} decides per datagram. */
    @Wraps("gdtls_filter_datagram_new")
    public static FilteredTransport over(DatagramTransport base, DatagramFilter filter) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(filter, "filter");
        NativeLibrary.ensureLoaded();
        long registryHandle = CallbackDispatcher.register((h, kind, direction, serial, length) ->
                kind == CallbackDispatcher.DATAGRAM_FILTER ? decide(filter, direction, serial, length) : 0);
        GDatagramBased created;
        try {
            created = Glue.gdtls_filter_datagram_new_java(TransportLease.acquire(base), registryHandle);
        } finally {
            TransportLease.release(base);
        }
        if (created == null || created.isNull()) {
            CallbackDispatcher.unregister(registryHandle);
            throw new IllegalStateException("gdtls_filter_datagram_new failed");
        }
        return new FilteredTransport(created, base); // the finalize of the native object releases registryHandle
    }

    private static long decide(DatagramFilter filter, long direction, long serial, long length) {
        DatagramFilter.Direction d = direction == Glue.GDTLS_DATAGRAM_OUT ? DatagramFilter.Direction.OUT
                : DatagramFilter.Direction.IN;
        try {
            return filter.keep(d, serial, (int) length) ? Glue.GDTLS_DATAGRAM_KEEP : Glue.GDTLS_DATAGRAM_DROP;
        } catch (Throwable t) {
            CallbackErrors.report("datagram filter " + filter, t);
            return Glue.GDTLS_DATAGRAM_KEEP;
        }
    }

    /** How many datagrams the filter dropped so far in {@code direction}. */
    @Wraps("gdtls_filter_datagram_dropped")
    public long dropped(DatagramFilter.Direction direction) {
        Objects.requireNonNull(direction, "direction");
        GDatagramBased filter = handle.acquire();
        try {
            return Glue.gdtls_filter_datagram_dropped(filter,
                    direction == DatagramFilter.Direction.OUT ? Glue.GDTLS_DATAGRAM_OUT : Glue.GDTLS_DATAGRAM_IN);
        } finally {
            handle.release();
        }
    }

    /**
     * Drops this wrapper's reference; connections over this transport keep theirs. The base stays open. A
     * condition wait on this wrapper ends with {@link IOErrorEnum#CLOSED}.
     */
    @Override
    public void close() {
        readiness.wakeAll();
        handle.close();
    }

    /** The native object's address, for diagnostics and the test oracle only. */
    long address() {
        return handle.address();
    }
}
