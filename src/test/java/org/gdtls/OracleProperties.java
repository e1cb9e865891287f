package org.gdtls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Java API reports about a connection, next to the same GObject property read by the jnr-ffi oracle
 * ({@link GObjectOracle#property}), which shares no code with the binding.
 */
final class OracleProperties {
    private OracleProperties() {}

    /** "property: oracle=... java=..." for every property where the two disagree; empty when all agree. */
    static List<String> mismatches(DtlsClientConnection client, DtlsServerConnection server) {
        Map<String, Object> clientSide = new LinkedHashMap<>();
        clientSide.put("protocol-version", client.protocolVersion().code());
        clientSide.put("ciphersuite-name", client.ciphersuiteName());
        clientSide.put("negotiated-protocol", client.negotiatedProtocol());
        clientSide.put("peer-certificate-errors", TlsCertificateFlags.toBits(client.peerCertificateErrors()));
        clientSide.put("require-close-notify", client.requireCloseNotify());
        clientSide.put("validation-flags", TlsCertificateFlags.toBits(client.validationFlags()));
        try (TlsCertificate peer = client.peerCertificate(); TlsDatabase db = client.database()) {
            clientSide.put("peer-certificate", peer == null ? 0L : peer.handle.address());
            clientSide.put("database", db == null ? 0L : db.handle.address());
        }
        Map<String, Object> serverSide = new LinkedHashMap<>();
        serverSide.put("protocol-version", server.protocolVersion().code());
        serverSide.put("ciphersuite-name", server.ciphersuiteName());
        serverSide.put("authentication-mode", server.authenticationMode().code());
        serverSide.put("require-close-notify", server.requireCloseNotify());
        try (TlsCertificate own = server.certificate()) {
            serverSide.put("certificate", own == null ? 0L : own.handle.address());
        }
        List<String> out = new ArrayList<>();
        compare("client", client.handle.address(), clientSide, out);
        compare("server", server.handle.address(), serverSide, out);
        return out;
    }

    private static void compare(String side, long address, Map<String, Object> viaJava, List<String> out) {
        viaJava.forEach((property, javaValue) -> {
            Object oracleValue = GObjectOracle.property(address, property);
            if (!Objects.equals(oracleValue, javaValue)) {
                out.add(side + " " + property + ": oracle=" + oracleValue + " java=" + javaValue);
            }
        });
    }
}
