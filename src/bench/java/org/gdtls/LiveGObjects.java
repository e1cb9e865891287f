package org.gdtls;

/**
 * Counts the GObjects still alive after the binding closed them, by the tests' jnr-ffi oracle (which shares no
 * code with the binding): the oracle took its own reference on each, and that must now be the last one.
 */
final class LiveGObjects {
    private long count;

    /**
     * Counts the object as alive unless the oracle's reference is the last, then drops that reference (which
     * finalizes it). GIO may still hold one for a moment (a finished GTask is unreferenced after its callback
     * returned on the pump thread), so only a reference still there after a second counts.
     */
    void checkLastReference(long address) throws InterruptedException {
        for (int i = 0; i < 100 && GObjectOracle.refCount(address) != 1; i++) {
            Thread.sleep(10);
        }
        if (GObjectOracle.refCount(address) != 1) {
            count++;
        }
        GObjectOracle.unref(address);
    }

    long count() {
        return count;
    }
}
