package dev.hardlight.hypercore;

import java.io.Serial;

/**
 * A failure of the hypercore protocol: a malformed or unauthentic message from the peer, a refused peer key,
 * a capability mismatch, or a call that is not allowed in the current state. The message says which, in one
 * sentence. When the peer caused it, the connection (or the channel, see {@link Event.ChannelClosed}) is
 * already closed by the time this is reported.
 */
public class HypercoreException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public HypercoreException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public HypercoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
