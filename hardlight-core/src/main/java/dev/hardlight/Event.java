package dev.hardlight;

/**
 * An event as the client receives it.
 *
 * @param topic the topic it was emitted on
 * @param value the event
 * @param missedBefore how many events for this client were dropped just before this one (by the
 *     server for a slow connection, or by the client's own full queue); 0 normally
 * @param <E> the service's event type
 */
public record Event<E>(Topic topic, E value, long missedBefore) {}
