package org.gdtls;

/**
 * The address of a connection's GObject, for the C rounds of the paired benchmarks, which run libgio's calls on
 * the very object the binding's round uses. Only for code that keeps the connection open meanwhile.
 */
public final class BenchHandles {
    private BenchHandles() {}

    public static long address(DtlsConnection connection) {
        return connection.handle.address();
    }
}
