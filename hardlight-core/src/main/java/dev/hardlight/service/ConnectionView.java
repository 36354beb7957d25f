package dev.hardlight.service;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import java.util.Set;

/**
 * The connection half of a client connection, typed by the service's state and event types: its
 * synced state, its events, its features, whether it is open. Thread-safe; no method blocks.
 * {@link RpcChannel#view(Class, Class)} gives the typed view of a channel.
 *
 * @param <T> the state record type ({@code Object} when untyped)
 * @param <E> the event type ({@code Object} when untyped)
 */
public interface ConnectionView<T, E> extends AutoCloseable {
    /**
     * The connection state as of the last frame this client handled, or {@code null} when the service
     * declares none. Valid as soon as the channel is connected; when a call returns, it already shows
     * every change that call made.
     */
    T state();

    /** Adds a listener of state changes (see {@link StateListener} for its threading rule). */
    void addStateListener(StateListener<T> listener);

    /** Removes a listener added with {@link #addStateListener}. */
    void removeStateListener(StateListener<T> listener);

    /**
     * The events this connection receives, in a bounded queue that exists from the moment the channel
     * is connected (so early events are kept). Empty and never filled when the service declares no events.
     */
    EventStream<E> events();

    /** Adds a listener called for every event on the I/O thread (see {@link EventListener}). */
    void addEventListener(EventListener<E> listener);

    /** Removes a listener added with {@link #addEventListener}. */
    void removeEventListener(EventListener<E> listener);

    /**
     * The features enabled on this connection, as the server last announced them (see
     * {@link dev.hardlight.Requires}); a call to a method whose feature is missing fails locally with
     * {@link dev.hardlight.Status#PERMISSION_DENIED}. When a call that changed them returns, this already
     * shows the change.
     */
    Set<String> features();

    /** Whether the connection is open. */
    boolean isOpen();

    /** Closes the connection; pending calls fail with {@link dev.hardlight.Status#CONNECTION_LOST}. */
    @Override
    void close();
}
