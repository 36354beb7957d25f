package dev.hardlight;

import java.util.Objects;

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
 * @param metadata what the server attached to the emit (an EVENT_META frame, {@code docs/protocol.md}
 *     3.4), e.g. the W3C {@code traceparent} of the span that emitted it; {@link Metadata#empty()} for
 *     an event sent without metadata. Immutable, like every {@link Metadata}.
 * @param <E> the service's event type
 */
public record Event<E>(Topic topic, E value, long missedBefore, boolean afterReconnect, Metadata metadata) {

    /** Checks that {@code metadata} is not null (an event without any has {@link Metadata#empty()}). */
    public Event {
        Objects.requireNonNull(metadata, "metadata");
    }

    /** An event without metadata. */
    public Event(Topic topic, E value, long missedBefore, boolean afterReconnect) {
        this(topic, value, missedBefore, afterReconnect, Metadata.empty());
    }

    /** An event without metadata received on the same connection as the one before it. */
    public Event(Topic topic, E value, long missedBefore) {
        this(topic, value, missedBefore, false, Metadata.empty());
    }
}
