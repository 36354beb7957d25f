package dev.hardlight;

/**
 * Code run for every call a client sends: adds request metadata (a token, trace context) and observes
 * the outcome (status, response metadata, duration). Set on the client's options.
 *
 * <p>{@link #start} runs on the calling thread, once a call slot is free and just before the CALL is
 * written, for every interceptor in registration order; each may add metadata through
 * {@link ClientCall#putMetadata}. The call is then sent. When it completes (answered, failed, cancelled,
 * timed out, connection lost), the {@link Completion}s returned run in the reverse order, on whichever
 * thread completed the call (often the connection's I/O thread: they must be quick and must not block).
 * A call that is retried on another connection is started, and completed, once per attempt. An
 * exception thrown by {@code start} fails the call with it (nothing is sent); one thrown by a
 * completion is logged and ignored.
 *
 * <p>With no interceptor set, nothing of this runs.
 */
@FunctionalInterface
public interface ClientInterceptor {
    /**
     * A call is about to be sent.
     *
     * @return what to run when it completes, or {@code null}
     */
    @Nullable Completion start(ClientCall call);

    /** Told once when a call completes. */
    @FunctionalInterface
    interface Completion {
        /**
         * @param status {@link Status#OK} for a result; {@link Status#APPLICATION_ERROR} for a declared
         *     exception; {@link Status#CANCELLED} when the caller cancelled; else the failure's status
         * @param failure what the caller gets instead of a result, or {@code null} for a result
         */
        void completed(Status status, @Nullable Throwable failure);
    }
}
