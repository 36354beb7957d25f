package dev.hardlight;

import dev.hardlight.internal.protocol.ServerSession;

/**
 * One call as a server sees it while it runs: which method, on which connection, with which request
 * metadata; and the response metadata its answer will carry. Given to {@link ServerInterceptor}s, and
 * to handlers through {@link #current()}. Its methods are meant for the thread running the call.
 */
public interface ServerCall {
    /** The service's name (as in the HELLO). */
    String service();

    /** The method's name. */
    String method();

    /** The method's id on this server (its index in the HELLO). */
    int methodId();

    /** The connection the call arrived on. */
    Connection connection();

    /** The metadata the client sent with the call; empty when it sent none. */
    Metadata requestMetadata();

    /**
     * Adds a string entry to the answer's metadata (RESULT or ERROR alike), replacing an earlier value of
     * the key. Call it before the call is answered (from an interceptor, before or after it proceeds, or
     * from the handler); later ones are not sent.
     *
     * @throws IllegalArgumentException for a bad key or beyond {@link Metadata}'s limits
     */
    void putResponseMetadata(String key, String value);

    /** As {@link #putResponseMetadata(String, String)} for a binary key (ending in {@code -bin}). */
    void putResponseMetadata(String key, byte[] value);

    /** The response metadata put so far. */
    Metadata responseMetadata();

    /**
     * The call the calling thread is running as a handler (or an interceptor of), or {@code null} on any
     * other thread. Costs one thread-local read.
     */
    static @Nullable ServerCall current() {
        return ServerSession.currentCall();
    }
}
