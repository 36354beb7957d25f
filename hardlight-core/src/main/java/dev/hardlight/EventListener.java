package dev.hardlight;

/**
 * Told of every event the client receives, on the connection's I/O thread, before the event is queued
 * for {@link EventStream}: return quickly and never block. An exception it throws is logged.
 *
 * @param <E> the service's event type
 */
@FunctionalInterface
public interface EventListener<E> {
    void onEvent(Event<E> event);
}
