package org.gdtls;

import java.util.Set;

/**
 * A handler of the {@code accept-certificate} signal. {@code errors} is what validation against the connection's
 * database ({@link DtlsConnection#setDatabase}) found wrong. When it runs depends on the side:
 * <ul>
 *   <li>On a client, only when the server's certificate failed validation (an error among the validation flags,
 *       by default all); returning {@code true} accepts it anyway. A valid certificate is accepted unasked.</li>
 *   <li>On a server (glib-networking), for every client certificate, valid ones too ({@code errors} empty). The
 *       certificate is refused, and the server's handshake fails with {@link TlsError#BAD_CERTIFICATE}, unless a
 *       listener returns {@code true}: a server that asks for client certificates needs a listener.</li>
 * </ul>
 *
 * <p>As in GObject, the first listener that returns {@code true} ends the emission. A listener that throws counts
 * as {@code false}; its exception is reported (see {@link Gdtls#setCallbackExceptionHandler}) and never reaches
 * GIO.
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
