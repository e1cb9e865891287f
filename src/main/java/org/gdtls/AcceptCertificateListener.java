package org.gdtls;

import java.util.Set;

/**
 * A handler of the {@code accept-certificate} signal: the peer's certificate failed validation with
 * {@code errors}; return {@code true} to accept it anyway. As in GObject, the first listener that returns
 * {@code true} ends the emission. A listener that throws counts as {@code false}; its exception is reported
 * (see {@link Gdtls#setCallbackExceptionHandler}) and never reaches GIO.
 *
 * <p>{@code peerCertificate} holds its own reference: it stays valid after the call; close it when done with it,
 * or leave it to the garbage collector.
 *
 * <p>Thread: during a synchronous {@code handshake()} it runs on the thread that called {@code handshake()};
 * during {@code handshakeAsync} on the {@link MainContextPump}'s thread (or the application's loop thread for
 * an attached pump). Do not block in it: the handshake waits for it, and on a pump so does everything else.
 */
@FunctionalInterface
public interface AcceptCertificateListener {
    boolean accept(DtlsConnection connection, TlsCertificate peerCertificate, Set<TlsCertificateFlags> errors);
}
