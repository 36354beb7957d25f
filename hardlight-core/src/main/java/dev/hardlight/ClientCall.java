package dev.hardlight;

/**
 * One call as a client makes it, for {@link ClientInterceptor}s: which method, the request metadata it
 * will carry (which interceptors may add to until the call is sent) and, once answered, the server's
 * response metadata.
 */
public interface ClientCall {
    /** The service's name. */
    String service();

    /** The method's name. */
    String method();

    /**
     * The request metadata as of now: what the calling thread attached ({@link Metadata#attach()}) plus
     * what interceptors put so far.
     */
    Metadata requestMetadata();

    /**
     * Adds a string entry to the request metadata, replacing an earlier value of the key. Only from
     * {@link ClientInterceptor#start}: the call is sent right after the last interceptor's start.
     *
     * @throws IllegalArgumentException for a bad key or beyond {@link Metadata}'s limits
     * @throws IllegalStateException once the call was sent
     */
    void putMetadata(String key, String value);

    /** As {@link #putMetadata(String, String)} for a binary key (ending in {@code -bin}). */
    void putMetadata(String key, byte[] value);

    /** The metadata of the server's answer; empty until it arrives, and when it carried none. */
    Metadata responseMetadata();
}
