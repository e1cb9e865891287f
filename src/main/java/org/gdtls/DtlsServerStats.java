package org.gdtls;

/**
 * A {@link DtlsServer}'s counters at one moment ({@link DtlsServer#stats()}). Every datagram the server reads is
 * either delivered to a peer or counted in exactly one of the drop counters; every ClientHello from a new sender
 * either starts a handshake or is counted in exactly one of the refusal counters. Nothing dropped or refused gets
 * a reply.
 *
 * @param peers sessions now, half-open ones included
 * @param halfOpen sessions whose handshake has not ended
 * @param handshakesSucceeded handshakes that ended well (the application got the peer)
 * @param handshakesFailed handshakes that failed
 * @param handshakesTimedOut handshakes ended by the handshake timeout
 * @param closedIdle established sessions closed by the idle timeout
 * @param datagramsReceived datagrams read from the socket
 * @param datagramsDelivered datagrams queued on a peer's transport
 * @param droppedQueueFull datagrams dropped: their peer's queue was full
 * @param droppedStray datagrams dropped: from a sender with no session, and not a ClientHello
 * @param droppedShort datagrams shorter than a DTLS record header (13 bytes) dropped, from anyone: glib-networking
 *     would take an empty one for the end of its peer's session and invalidate it, and a shorter header would cost
 *     the session its next record
 * @param refusedMaxPeers ClientHellos dropped: as many sessions as allowed
 * @param refusedHalfOpen ClientHellos dropped: as many half-open handshakes as allowed
 * @param refusedHalfOpenPerSource ClientHellos dropped: as many half-open handshakes from that address as allowed
 * @param refusedRateLimited ClientHellos dropped: that address started handshakes faster than allowed
 * @param callbackFailures application callbacks that threw (each ended only its own peer's session)
 */
public record DtlsServerStats(int peers, int halfOpen, long handshakesSucceeded, long handshakesFailed,
                              long handshakesTimedOut, long closedIdle, long datagramsReceived,
                              long datagramsDelivered, long droppedQueueFull, long droppedStray, long droppedShort,
                              long refusedMaxPeers,
                              long refusedHalfOpen, long refusedHalfOpenPerSource, long refusedRateLimited,
                              long callbackFailures) {
}
