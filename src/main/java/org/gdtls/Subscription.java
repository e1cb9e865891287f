package org.gdtls;

/** A connected listener. {@link #close()} disconnects it; closing twice, or after the object closed, is fine. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
