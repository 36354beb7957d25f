package dev.hardlight;

import java.net.SocketAddress;
import java.util.function.Consumer;

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
     * The connection's state, synced to the client (see {@link ConnectionState}). Set it in the
     * handler factory to give a connection its first state (sent in the hello); update it from
     * handlers. <strong>The client sees all of it.</strong>
     *
     * @param type the state record the service declares ({@code @Rpc(state = ...)})
     * @throws IllegalStateException if the service declares no state or another type
     */
    <T> SyncedState<T> state(Class<T> type);

    /**
     * Attaches server-side data to this connection (a principal, a token, a database handle): it is
     * never sent to the client, unlike the state. Replaces any previous attachment; {@code null} removes it.
     */
    void attach(Object attachment);

    /**
     * The attachment, or {@code null} if none.
     *
     * @throws ClassCastException if the attachment is not a {@code type}
     */
    <A> A attachment(Class<A> type);

    /** The features enabled on this connection ({@link Requires}); handlers may change them. */
    Features features();

    /** The HTTP upgrade request that opened this connection: headers, cookies, query, client certificate. */
    UpgradeRequest request();

    /** The topics this connection is subscribed to; handlers add and remove them. */
    Subscriptions subscriptions();

    /**
     * The server's event emitter (the same one {@code server.events(type)} returns).
     *
     * @throws IllegalStateException if the service declares no events or another type
     */
    <E> EventEmitter<E> events(Class<E> type);

    /**
     * Closes the connection with a normal close (1000). Calls in flight on it fail on the client with
     * {@link Status#CONNECTION_LOST}. Returns immediately; does nothing if already closed.
     */
    void close();

    /**
     * Runs {@code listener} once when this connection has ended, however it ended (the client closed
     * it, the TCP connection was lost, the idle timeout, the server's shutdown, a protocol violation,
     * {@link #close()}), with the reason. It runs after every call of this connection was answered or,
     * its handler interrupted, has returned, so no handler of this connection runs any more; it runs on
     * a virtual thread of its own, where blocking is allowed. Listeners run in the order they were
     * added; one that throws is logged and does not stop the others. Added after the connection has
     * ended, a listener runs at once (on its own thread). The handler itself, if it implements
     * {@link AutoCloseable}, is closed after the listeners, on the same thread.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    void onClose(Consumer<CloseReason> listener);
}
