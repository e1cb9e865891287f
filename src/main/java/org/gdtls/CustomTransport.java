package org.gdtls;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.bytedeco.javacpp.BytePointer;
import org.gdtls.internal.gen.GDatagramBased;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.RawPointer;

/**
 * DTLS over a carrier of the application's own: sends go to a {@link DatagramSink}, received datagrams are
 * {@link #deliver}ed by the application. Two of them wired to each other run a whole DTLS session in memory:
 *
 * <pre>{@code
 * CustomTransport[] ends = new CustomTransport[2];
 * ends[0] = CustomTransport.create(datagram -> ends[1].deliver(datagram));
 * ends[1] = CustomTransport.create(datagram -> ends[0].deliver(datagram));
 * }</pre>
 *
 * <p>The sink is held until the native object is finalized (after this wrapper and every connection over it are
 * closed); it must not reach those connections strongly, or it keeps them alive.
 */
public final class CustomTransport extends QueuedTransport {
    private CustomTransport(GDatagramBased owned) {
        super(owned, "CustomTransport");
    }

    /** {@link #create(DatagramSink, int)} with {@link #DEFAULT_CAPACITY}. */
    public static CustomTransport create(DatagramSink sink) {
        return create(sink, DEFAULT_CAPACITY);
    }

    /** A transport sending through {@code sink} and queueing at most {@code capacity} delivered datagrams. */
    @Wraps("gdtls_peer_datagram_new_with_sender")
    public static CustomTransport create(DatagramSink sink, int capacity) {
        Objects.requireNonNull(sink, "sink");
        checkCapacity(capacity);
        NativeLibrary.ensureLoaded();
        long registryHandle = CallbackDispatcher.register((h, kind, data, size, errorOut) ->
                kind == CallbackDispatcher.DATAGRAM_SEND ? send(sink, data, size, errorOut) : 0);
        GDatagramBased created = Glue.gdtls_peer_datagram_new_java(registryHandle, capacity);
        if (created == null || created.isNull()) {
            CallbackDispatcher.unregister(registryHandle);
            throw new IllegalStateException("gdtls_peer_datagram_new_with_sender failed");
        }
        return new CustomTransport(created); // the finalize of the native object releases registryHandle
    }

    /** The trampoline's entry: 1 if sent; on failure 0, with the GError set from the exception. */
    private static long send(DatagramSink sink, long data, long size, long errorOut) {
        try {
            ByteBuffer view = new BytePointer(new RawPointer(data)).capacity(size).asByteBuffer().asReadOnlyBuffer();
            sink.send(view);
            return 1;
        } catch (Throwable t) {
            if (!(t instanceof Exception)) {
                CallbackErrors.report("datagram sink " + sink, t);
            }
            GErrors.set(errorOut, t);
            return 0;
        }
    }

    @Override
    public String toString() {
        return "CustomTransport" + (handle.isClosed() ? "[closed]" : "");
    }
}
