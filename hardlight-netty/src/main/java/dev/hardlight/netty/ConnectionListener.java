package dev.hardlight.netty;

/**
 * Told of every {@link ConnectionEvent} of a client, in order, so an application can show its status
 * ("reconnecting in 2 s...") or re-do what a new connection needs (e.g. join its rooms again: server-side
 * subscriptions made by calls do not survive a reconnect, those made by the server's handler factory do).
 * Set with {@link ClientOptions.Builder#connectionListener(ConnectionListener)}.
 *
 * <p>Called on a HardLight thread (an I/O thread, or the client's reconnect thread): return quickly, do not
 * block, and make no blocking call from it (use the {@code ...Async} methods). An exception it throws is
 * logged and ignored.
 */
@FunctionalInterface
public interface ConnectionListener {
    void connectionChanged(ConnectionEvent event);
}
