package org.gdtls;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a child JVM by {@link Pkcs11PinTest}, with SOFTHSM2_CONF in its environment (SoftHSM reads it once,
 * at the first PKCS#11 use). A DTLS server whose key is on the token; its interaction first answers a wrong PIN,
 * then the right one. Prints one line per ask_password call and the outcome.
 */
public final class Pkcs11Probe {
    public static void main(String[] args) throws Exception {
        String certUri = args[0];
        String keyUri = args[1];
        List<String> asked = new CopyOnWriteArrayList<>();
        TlsInteraction pin = new TlsInteraction() {
            @Override
            protected TlsInteractionResult askPassword(TlsPassword password) {
                asked.add(password.flags() + " on " + (Thread.currentThread().getName().startsWith("gdtls-native-")
                        ? "native" : Thread.currentThread().getName()) + " warning: " + password.warning());
                password.setValue((asked.size() == 1 ? "0000" : "1234").toCharArray());
                return TlsInteractionResult.HANDLED;
            }
        };
        try (TlsCertificate cert = TlsCertificate.fromPkcs11Uris(certUri, keyUri);
             LoopbackPair pair = LoopbackPair.createWith(cert)) {
            pair.server.setInteraction(pin);
            pair.handshake();
            System.out.println("SUBJECT " + cert.subjectName());
            asked.forEach(a -> System.out.println("ASKED " + a));
            System.out.println("HANDSHAKE " + pair.client.protocolVersion());
            System.out.println("PKCS11_URI " + cert.pkcs11Uri());
            System.out.println("PRIVATE_KEY_PKCS11_URI " + cert.privateKeyPkcs11Uri());
            System.out.println("PRIVATE_KEY_DER " + (cert.privateKeyDer() == null ? "null" : "exported"));
        }
        pin.close();
    }
}
