package dev.hardlight;

import java.util.function.UnaryOperator;

/**
 * The server side of a connection's state (see {@link ConnectionState}): read it, or replace it
 * atomically. Every committed change is sent to the client as a delta of the changed components,
 * before the result of the call that made it.
 *
 * <p>Thread-safe. Updates are serialized per connection: concurrent calls never lose an update, and the
 * client applies deltas in the order they were committed here.
 *
 * @param <T> the state record type
 */
public interface SyncedState<T> {
    /** The current state. */
    T get();

    /**
     * Replaces the state with {@code update.apply(current)}, atomically with respect to other updates of
     * this connection, and sends the changed components to the client. {@code update} runs under the
     * connection's state lock: keep it short and side-effect free. If it throws, nothing changes.
     *
     * @return the new state
     */
    T update(UnaryOperator<T> update);

    /** Replaces the state with {@code value}; same as {@code update(s -> value)}. */
    default void set(T value) {
        update(s -> value);
    }
}
