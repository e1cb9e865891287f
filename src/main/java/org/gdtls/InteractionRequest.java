package org.gdtls;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.bytedeco.javacpp.PointerPointer;
import org.gdtls.internal.gen.GError;
import org.gdtls.internal.gen.GTlsPassword;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CallbackDispatcher;
import org.gdtls.internal.glue.CallbackErrors;
import org.gdtls.internal.glue.GErrorSlot;
import org.gdtls.internal.glue.GErrors;
import org.gdtls.internal.glue.RawPointer;

/**
 * One request of a GdtlsAsyncInteraction (ask_password_async or request_certificate_async) between the glue's
 * {@code GdtlsInteractionRequest} (which holds the GTask) and the future the user's method returned. Exactly one
 * answer reaches GIO: the glue hands the GTask to whoever comes first, the user's future or the cancellation of
 * the request's GCancellable. Java's one reference on the glue's request is dropped once, by {@link #release}.
 * Registered in the callback registry (strongly) while pending, to hear GDTLS_CALLBACK_CANCELLED.
 */
final class InteractionRequest {
    private final AsyncTlsInteraction interaction;
    private final long request; // the glue's GdtlsInteractionRequest*
    private final String where;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile TlsPassword password;      // ask_password: our own reference, closed at the end
    private volatile DtlsConnection connection; // request_certificate
    private volatile CompletableFuture<?> given; // the user's future
    private long registryHandle;

    private InteractionRequest(AsyncTlsInteraction interaction, long request, String where) {
        this.interaction = interaction;
        this.request = request;
        this.where = where;
    }

    /**
     * On the thread running the vfunc (the interaction's pump). Returns the registry id (the glue then holds the
     * request for Java), or 0 if Java did not take it (the glue answers UNHANDLED).
     */
    static long start(AsyncTlsInteraction interaction, int kind, long argument, long request) {
        boolean password = kind == CallbackDispatcher.ASK_PASSWORD_ASYNC;
        InteractionRequest r = new InteractionRequest(interaction, request,
                interaction.getClass().getName() + (password ? ".askPasswordAsync" : ".requestCertificateAsync"));
        r.registryHandle = CallbackDispatcher.register((handle, k, a0, a1, a2) -> {
            if (k == CallbackDispatcher.CANCELLED) {
                r.cancelledByGio();
            }
            return 0;
        });
        interaction.pending.add(r);
        try {
            if (password) {
                r.password = TlsPassword.borrow(new GTlsPassword(new RawPointer(argument)));
                r.await(interaction.askPasswordAsync(r.password), r::answer);
            } else {
                r.connection = DtlsConnection.live(argument);
                if (r.connection == null) {
                    r.answer(TlsInteractionResult.UNHANDLED, null); // not a connection of this binding
                } else {
                    r.await(interaction.requestCertificateAsync(r.connection), r::answerCertificate);
                }
            }
        } catch (Throwable t) {
            r.answer(null, t);
        }
        return r.registryHandle;
    }

    /** Answers when {@code given} completes (a null future: UNHANDLED at once). */
    private <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> onComplete) {
        given = f;
        if (f == null) {
            answer(TlsInteractionResult.UNHANDLED, null);
        } else {
            f.whenComplete(onComplete);
        }
    }

    private void answerCertificate(TlsCertificate certificate, Throwable failure) {
        if (failure != null || certificate == null) {
            answer(failure == null ? TlsInteractionResult.UNHANDLED : null, failure);
            return;
        }
        try {
            // The interaction's contract is to set it on the connection before answering HANDLED.
            connection.setCertificate(certificate);
        } catch (Throwable t) {
            answer(null, t);
            return;
        }
        answer(TlsInteractionResult.HANDLED, null);
    }

    /** The user's answer (any thread): {@code result}, or FAILED/UNHANDLED for {@code failure}. */
    private void answer(TlsInteractionResult result, Throwable failure) {
        if (!ended.compareAndSet(false, true)) {
            return; // cancelled first: GIO has its answer
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        GErrorSlot slot = new GErrorSlot();
        PointerPointer<GError> error = slot.out();
        int code;
        if (cause == null) {
            code = (result == null ? TlsInteractionResult.UNHANDLED : result).code();
        } else if (cause instanceof GioException || cause instanceof CancellationException) {
            GErrors.set(error.address(), cause instanceof CancellationException
                    ? new IOErrorException(IOErrorEnum.CANCELLED.code(), "the interaction's future was cancelled")
                    : cause);
            code = TlsInteractionResult.FAILED.code();
        } else {
            CallbackErrors.report(where, cause);
            code = TlsInteractionResult.UNHANDLED.code();
        }
        forget(); // before GIO hears the answer, so whoever it wakes sees the request gone
        // Takes the GError if this answer is the first; frees it otherwise.
        Glue.gdtls_interaction_request_return(new RawPointer(request), code, error);
        release();
    }

    /** GDTLS_CALLBACK_CANCELLED: the glue answered GIO (FAILED, CANCELLED) on the cancelling thread. */
    private void cancelledByGio() {
        if (ended.compareAndSet(false, true)) {
            forget();
            release();
            cancelGiven();
        }
    }

    /** The interaction is closing: answer FAILED with CANCELLED, and cancel the user's future. */
    void cancelByClose() {
        answer(null, new IOErrorException(IOErrorEnum.CANCELLED.code(), "the TlsInteraction was closed"));
        cancelGiven();
    }

    private void cancelGiven() {
        CompletableFuture<?> f = given;
        if (f != null) {
            f.cancel(false);
        }
    }

    private void forget() {
        CallbackDispatcher.unregister(registryHandle);
        interaction.pending.remove(this);
    }

    /** Drops Java's reference on the glue's request, and the password's. */
    private void release() {
        Glue.gdtls_interaction_request_release(new RawPointer(request));
        if (password != null) {
            password.close();
        }
    }
}
