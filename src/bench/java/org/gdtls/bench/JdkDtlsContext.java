package org.gdtls.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;

import org.gdtls.JdkPem;

/**
 * The JDK's own DTLS 1.2 ({@code SSLContext.getInstance("DTLSv1.2")}) with the same test PKI as the binding:
 * server.pem with server-key.pem as its key, ca.pem as the only trust anchor. Everything is read from the PEM
 * files in code ({@link JdkPem}), so the two stacks use the very same key and certificate.
 */
final class JdkDtlsContext {
    private JdkDtlsContext() {}

    static SSLContext create() throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("DTLSv1.2");
        context.init(JdkPem.keyManager(BenchPki.file("server.pem"), BenchPki.file("server-key.pem")).getKeyManagers(),
                JdkPem.trustManager(BenchPki.file("ca.pem")).getTrustManagers(), null);
        return context;
    }
}
