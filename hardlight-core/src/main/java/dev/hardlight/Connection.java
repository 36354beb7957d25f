package dev.hardlight;

import java.net.SocketAddress;

/**
 * The server side of one client connection, handed to the handler factory when the connection opens.
 *
 * <p>One handler instance is made per connection and may keep per-connection fields; its methods may
 * run concurrently (one virtual thread per call), so such fields must be thread-safe.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public interface Connection {
    /** A number unique within this server process, also shown in every log line about this connection. */
    long id();

    /** The peer's address as the server's socket sees it. */
    SocketAddress remoteAddress();

    /** Whether the connection is still open. */
    boolean isOpen();

    /**
     * Closes the connection with a normal close (1000). Calls in flight on it fail on the client with
     * {@link Status#CONNECTION_LOST}. Returns immediately; does nothing if already closed.
     */
    void close();
}
