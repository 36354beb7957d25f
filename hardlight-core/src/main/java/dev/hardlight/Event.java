package dev.hardlight;

/**
 * An event as the client receives it.
 *
 * @param topic the topic it was emitted on
 * @param value the event
 * @param missedBefore how many events for this client were dropped just before this one (by the
 *     server for a slow connection, or by the client's own full queue); 0 normally
 * @param afterReconnect whether the client lost its connection and reconnected since the event before
 *     this one: events emitted meanwhile never reached it and are not counted in {@code missedBefore}
 *     (a client that must not miss any re-reads what it needs, e.g. from the fresh connection state)
 * @param <E> the service's event type
 */
public record Event<E>(Topic topic, E value, long missedBefore, boolean afterReconnect) {

    /** An event received on the same connection as the one before it. */
    public Event(Topic topic, E value, long missedBefore) {
        this(topic, value, missedBefore, false);
    }
}
