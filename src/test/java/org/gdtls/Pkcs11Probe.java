package org.gdtls;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a child JVM by {@link Pkcs11PinTest}, with SOFTHSM2_CONF in its environment (SoftHSM reads it once,
 * at the first PKCS#11 use). A DTLS server whose key is on the token; its interaction first answers a wrong PIN,
 * then the right one. Prints one line per ask_password call and the outcome. With a third argument {@code async},
 * an {@link AsyncTlsInteraction} answers instead: the right PIN, from another thread, two seconds after GIO asked,
 * while the handshake waits.
 */
public final class Pkcs11Probe {
    public static void main(String[] args) throws Exception {
        String certUri = args[0];
        String keyUri = args[1];
        List<String> asked = new CopyOnWriteArrayList<>();
        if (args.length > 2 && args[2].equals("async")) {
            answerLater(certUri, keyUri);
            return;
        }
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

    private static void answerLater(String certUri, String keyUri) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (MainContextPump pump = MainContextPump.start("interaction");
             AsyncTlsInteraction pin = new AsyncTlsInteraction(pump) {
                 @Override
                 protected CompletableFuture<TlsInteractionResult> askPasswordAsync(TlsPassword password) {
                     long asked = System.nanoTime();
                     lines.add("ASKED " + password.flags() + " on " + (pump.isPumpThread() ? "pump" : "other"));
                     return CompletableFuture.supplyAsync(() -> {
                         password.setValue("1234".toCharArray());
                         lines.add("ANSWERED on " + (pump.isPumpThread() ? "pump" : "other") + " after "
                                 + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked) + " ms");
                         return TlsInteractionResult.HANDLED;
                     }, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
                 }
             };
             TlsCertificate cert = TlsCertificate.fromPkcs11Uris(certUri, keyUri);
             LoopbackPair pair = LoopbackPair.createWith(cert)) {
            pair.server.setInteraction(pin);
            pair.handshake();
            lines.forEach(System.out::println);
            System.out.println("HANDSHAKE " + pair.client.protocolVersion());
            System.out.println("PENDING " + pin.pendingRequests());
        }
    }
}
