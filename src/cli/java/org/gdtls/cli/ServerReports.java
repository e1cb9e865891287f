package org.gdtls.cli;

import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.gdtls.DtlsConnection;
import org.gdtls.DtlsPeer;
import org.gdtls.DtlsServer;
import org.gdtls.DtlsServerConnection;
import org.gdtls.DtlsServerStats;
import org.gdtls.GioException;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsCertificateFlags;
import org.gdtls.cli.Output.Json;

/**
 * What {@code gdtls server} reports about its {@link DtlsServer}: one line or JSON event per handshake, datagram,
 * refusal, error and close, called by the server's listeners; and the accept-certificate listener, which keeps
 * the validation errors of each client certificate for the reports.
 */
final class ServerReports {
    private final Output out;
    private final Map<DtlsConnection, Set<TlsCertificateFlags>> clientErrors = new ConcurrentHashMap<>();
    private final String[] limits;

    /** {@code limits}: how a refusal's text line names each limit, by {@link DtlsServer.Refusal} ordinal. */
    ServerReports(Output out, String... limits) {
        this.out = out;
        this.limits = limits.clone();
    }

    /**
     * Accepts a client certificate when it validated: glib-networking's server emits accept-certificate for every
     * client certificate, valid ones too. Keeps the errors for the handshake's reports.
     */
    boolean acceptCertificate(DtlsConnection connection, TlsCertificate certificate, Set<TlsCertificateFlags> errors) {
        certificate.close();
        clientErrors.put(connection, errors);
        return errors.isEmpty();
    }

    /** A handshaken peer (on the server's pump: properties only, nothing that blocks). */
    void handshake(DtlsPeer peer) {
        DtlsServerConnection conn = peer.connection();
        clientErrors.remove(conn);
        String name = Output.address(peer.address());
        String subject = null;
        String issuer = null;
        try (TlsCertificate client = conn.peerCertificate()) {
            if (client != null) {
                subject = client.subjectName();
                issuer = client.issuerName();
            }
        }
        Set<TlsCertificateFlags> errors = conn.peerCertificateErrors();
        Duration took = peer.handshakeDuration();
        double ms = took == null ? 0 : took.toNanos() / 1e6;
        Json event = Json.event("handshake").put("peer", name).put("protocol", conn.protocolVersion().name())
                .put("ciphersuite", conn.ciphersuiteName()).put("alpn", conn.negotiatedProtocol())
                .put("peer_subject", subject).put("peer_issuer", issuer)
                .put("peer_errors", errors.stream().map(Enum::name).toList())
                .put("handshake_ms", Math.round(ms));
        String text = name + " handshake " + conn.protocolVersion() + " " + conn.ciphersuiteName()
                + " alpn=" + Objects.requireNonNullElse(conn.negotiatedProtocol(), "(none)")
                + (subject == null ? " client-certificate=(none)"
                        : " client-certificate=\"" + subject + "\" issuer=\"" + issuer + "\" errors=" + Output.flags(errors))
                + String.format(" %.1f ms", ms);
        out.report(event, text);
    }

    void datagram(DtlsPeer peer, ByteBuffer datagram) {
        String name = Output.address(peer.address());
        out.report(Output.datagram(Json.event("datagram").put("peer", name), datagram),
                name + " datagram " + Output.datagramText(datagram));
    }

    /** A ClientHello a limit refused (on the server's reading thread). */
    void refused(InetSocketAddress from, DtlsServer.Refusal refusal) {
        String name = Output.address(from);
        out.report(Json.event("refused").put("peer", name).put("reason", reason(refusal)),
                name + " refused (" + limits[refusal.ordinal()] + ")");
    }

    /** The reason field of a refused event. */
    static String reason(DtlsServer.Refusal refusal) {
        return switch (refusal) {
            case MAX_PEERS -> "max-peers";
            case MAX_HALF_OPEN -> "max-half-open";
            case MAX_HALF_OPEN_PER_SOURCE -> "max-half-open-per-source";
            case RATE_LIMITED -> "handshake-rate";
        };
    }

    /** A session's end, handshaken or not: an error report if it failed, then its close. */
    void ended(DtlsPeer peer, DtlsPeer.End end) {
        String name = Output.address(peer.address());
        Set<TlsCertificateFlags> errors = clientErrors.remove(peer.connection());
        if (end == DtlsPeer.End.HANDSHAKE_FAILED || end == DtlsPeer.End.ERROR) {
            error(name, end == DtlsPeer.End.HANDSHAKE_FAILED ? "handshake" : "session", peer.failure(), errors);
        }
        String reason = reason(end);
        out.report(Json.event("close").put("peer", name).put("reason", reason), name + " close (" + reason + ")");
    }

    /** The reason field of a close event. */
    static String reason(DtlsPeer.End end) {
        return switch (end) {
            case CLOSE_NOTIFY -> "close_notify";
            case IDLE -> "idle";
            case HANDSHAKE_TIMED_OUT -> "handshake_timeout";
            case HANDSHAKE_FAILED, ERROR -> "error";
            case SERVER_CLOSED -> "interrupted";
            case APPLICATION -> "closed"; // the command closes no session itself
        };
    }

    private void error(String name, String during, Throwable failure, Set<TlsCertificateFlags> errors) {
        boolean refusedCertificate = errors != null && !errors.isEmpty();
        if (out.json()) {
            Json event = Json.event("error").put("peer", name).put("during", during);
            if (refusedCertificate) {
                event.put("peer_errors", errors.stream().map(Enum::name).toList());
            }
            out.fail(failure, event);
            return;
        }
        String what = failure instanceof GioException e ? e.domain() + ":" + e.rawCode() + " " + e.getMessage()
                : Output.describe(failure);
        out.report(null, name + " error during " + during + ": " + what
                + (refusedCertificate ? " (client certificate: " + Output.flags(errors) + ")" : ""));
    }

    /** The server's counters: a {@code stats} event, or a {@code stats:} line, with each counter by name. */
    void stats(DtlsServerStats stats) {
        Json event = Json.event("stats");
        StringBuilder text = new StringBuilder("stats:");
        for (RecordComponent counter : DtlsServerStats.class.getRecordComponents()) {
            Object value;
            try {
                value = counter.getAccessor().invoke(stats);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String key = counter.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
            event.put(key, value);
            text.append(' ').append(key).append('=').append(value);
        }
        out.report(event, text.toString());
    }
}
