package org.gdtls.internal.glue;

/** What a registered handle routes to. Arguments are the C callback's arguments, widened to long. */
@FunctionalInterface
public interface CallbackTarget {
    long invoke(long handle, int kind, long a0, long a1, long a2) throws Exception;
}
