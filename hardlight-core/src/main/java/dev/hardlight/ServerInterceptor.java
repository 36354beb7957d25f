package dev.hardlight;

/**
 * Code run around every call a server handles: logging, metrics, rate limits, authorization, trace
 * context. Interceptors run on the thread that runs the handler, in the order they were registered (the
 * first registered is the outermost: it runs first and sees the outcome last), before the call's
 * arguments are decoded.
 *
 * <p>An interceptor either calls {@link Next#proceed()} once, which runs the next interceptor and in
 * the end decodes the arguments and runs the handler, or refuses the call by throwing: an
 * {@link RpcException} answers the call with its status and message; any other exception answers
 * {@link Status#INTERNAL} (logged with an error id, like a handler's failure). A refused call's
 * arguments are never decoded and its handler never runs. {@code proceed()} throws whatever the handler
 * (or an inner interceptor) threw; an interceptor may catch it to observe it, and should rethrow it.
 * Returning without proceeding or throwing is a bug, answered {@code INTERNAL}.
 *
 * <p>With no interceptor registered, nothing of this runs.
 */
@FunctionalInterface
public interface ServerInterceptor {
    /**
     * Intercepts one call.
     *
     * @param call the call: method, connection, request metadata; response metadata may be added
     * @param next the rest of the chain
     * @throws Exception to refuse the call, or what {@code next.proceed()} threw
     */
    void intercept(ServerCall call, Next next) throws Exception;

    /** The rest of the chain: the next interceptor, in the end the handler. */
    @FunctionalInterface
    interface Next {
        /**
         * Runs the rest of the chain. Once per call.
         *
         * @throws Exception what the handler or an inner interceptor threw
         * @throws IllegalStateException when called a second time
         */
        void proceed() throws Exception;
    }
}
