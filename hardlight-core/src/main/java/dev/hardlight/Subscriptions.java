package dev.hardlight;

import java.util.Set;

/**
 * The topics one connection is subscribed to. Only the server decides: handlers add and remove
 * topics; the client just receives the events. When the connection closes, however it closes, all
 * its subscriptions are removed (and a topic losing its last subscriber is reported to the
 * server's {@link TopicListener}).
 *
 * <p>Thread-safe.
 */
public interface Subscriptions {
    /** Subscribes the connection to {@code topic}; {@code false} if it already was, or the connection is closed. */
    boolean add(Topic topic);

    /** Unsubscribes; {@code false} if it was not subscribed. */
    boolean remove(Topic topic);

    boolean contains(Topic topic);

    /** A snapshot of the subscribed topics. */
    Set<Topic> topics();
}
