package dev.hardlight.netty;

/**
 * permessage-deflate (RFC 7692), the standard WebSocket compression browsers offer, the same setting
 * for clients ({@link ClientOptions.Builder#compression(Compression)}) and servers
 * ({@link ServerOptions.Builder#compression(Compression)}). It is negotiated in the upgrade: a client
 * with it on offers it, a server with it on accepts an offer, and a connection where either side has
 * it off is uncompressed. On a compressed connection, each side compresses the messages it sends of at
 * least its own threshold (smaller ones cost more to compress than they save) and a received message
 * may inflate to at most the receiver's message size limit; a larger one (a compression bomb) fails the
 * connection as an oversized message does. Compression costs CPU and some memory per connection (a
 * deflate window each way); over TLS, compressing secrets next to attacker-controlled data can leak
 * them (BREACH-style attacks). Off by default.
 *
 * <p>Immutable and thread-safe.
 */
public final class Compression {
    /** The threshold of {@link #deflate()}: messages of at least 1 KiB are compressed. */
    public static final int DEFAULT_THRESHOLD = 1024;

    private static final Compression OFF = new Compression(-1);
    private static final Compression DEFLATE = new Compression(DEFAULT_THRESHOLD);

    private final int thresholdBytes;

    private Compression(int thresholdBytes) {
        this.thresholdBytes = thresholdBytes;
    }

    /** No compression: neither offered nor accepted. The default. */
    public static Compression off() {
        return OFF;
    }

    /** permessage-deflate for messages of at least {@value #DEFAULT_THRESHOLD} bytes. */
    public static Compression deflate() {
        return DEFLATE;
    }

    /**
     * permessage-deflate for messages of at least {@code thresholdBytes}; 0 compresses every message.
     *
     * @throws IllegalArgumentException if negative
     */
    public static Compression deflate(int thresholdBytes) {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("compression threshold: " + thresholdBytes + " (expected: >= 0)");
        }
        return thresholdBytes == DEFAULT_THRESHOLD ? DEFLATE : new Compression(thresholdBytes);
    }

    /** Whether permessage-deflate is offered (client) or accepted (server). */
    public boolean isEnabled() {
        return thresholdBytes >= 0;
    }

    /** The smallest message compressed, or -1 when {@link #off()}. */
    public int thresholdBytes() {
        return thresholdBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Compression c && c.thresholdBytes == thresholdBytes;
    }

    @Override
    public int hashCode() {
        return thresholdBytes;
    }

    @Override
    public String toString() {
        return isEnabled() ? "Compression[deflate >= " + thresholdBytes + " bytes]" : "Compression[off]";
    }
}
