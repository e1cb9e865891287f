package org.gdtls;

/** Run in a child JVM by {@link NativeLoadingTest}: prints the first use's failure, or OK. */
public final class LoadProbe {
    public static void main(String[] args) {
        try {
            Gdtls.load();
            System.out.println("OK " + Gdtls.tlsBackendName());
        } catch (GioUnavailableException e) {
            System.out.println("UNAVAILABLE " + e.getMessage());
            // The second use fails the same way, not with NoClassDefFoundError.
            try {
                Gdtls.load();
            } catch (GioUnavailableException again) {
                System.out.println("AGAIN " + again.getMessage());
            }
        }
    }
}
