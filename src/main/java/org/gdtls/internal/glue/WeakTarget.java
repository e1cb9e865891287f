package org.gdtls.internal.glue;

import java.lang.ref.WeakReference;

/**
 * A registry target that reaches its wrapper weakly, so the static {@link CallbackDispatcher} registry never
 * keeps a wrapper (or the listeners it holds) alive. Once the wrapper is collected, callbacks return 0 (FALSE,
 * UNHANDLED: "not handled" in every callback shape the glue has).
 */
public final class WeakTarget<W> implements CallbackTarget {
    /** Routes a callback to its wrapper, with the registry handle that names what was registered. */
    @FunctionalInterface
    public interface Dispatch<W> {
        long dispatch(W wrapper, long registryHandle, int kind, long a0, long a1, long a2) throws Exception;
    }

    private final WeakReference<W> wrapper;
    private final Dispatch<W> dispatch;

    /** {@code dispatch} must not capture the wrapper (pass an unbound method reference). */
    public WeakTarget(W wrapper, Dispatch<W> dispatch) {
        this.wrapper = new WeakReference<>(wrapper);
        this.dispatch = dispatch;
    }

    @Override
    public long invoke(long registryHandle, int kind, long a0, long a1, long a2) throws Exception {
        W w = wrapper.get();
        return w == null ? 0 : dispatch.dispatch(w, registryHandle, kind, a0, a1, a2);
    }
}
