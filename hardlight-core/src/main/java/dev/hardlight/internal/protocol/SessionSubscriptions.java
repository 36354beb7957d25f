package dev.hardlight.internal.protocol;

import dev.hardlight.Subscriptions;
import dev.hardlight.Topic;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One connection's subscriptions. Changes and {@link #close} are serialized on this object, so a
 * subscription added while the connection closes is either removed by the close or refused: none
 * outlives the connection. Before the session exists (in the handler factory) subscriptions are kept
 * and registered when {@link #bind} gives the sink.
 *
 * <p>Thread-safe.
 */
final class SessionSubscriptions implements Subscriptions {
    private final TopicRegistry<?> registry;
    /** Guarded by this. */
    private final Set<Topic> topics = new LinkedHashSet<>();
    /** Guarded by this. */
    private TopicRegistry.EventSink sink;
    /** Guarded by this. */
    private boolean closed;

    SessionSubscriptions(TopicRegistry<?> registry) {
        this.registry = registry;
    }

    synchronized void bind(TopicRegistry.EventSink sink) {
        this.sink = sink;
        for (Topic t : topics) {
            registry.subscribe(t, sink);
        }
    }

    @Override
    public synchronized boolean add(Topic topic) {
        Objects.requireNonNull(topic, "topic");
        if (closed || !topics.add(topic)) {
            return false;
        }
        if (sink != null) {
            registry.subscribe(topic, sink);
        }
        return true;
    }

    @Override
    public synchronized boolean remove(Topic topic) {
        if (!topics.remove(topic)) {
            return false;
        }
        if (sink != null) {
            registry.unsubscribe(topic, sink);
        }
        return true;
    }

    @Override
    public synchronized boolean contains(Topic topic) {
        return topics.contains(topic);
    }

    @Override
    public synchronized Set<Topic> topics() {
        return Set.copyOf(topics);
    }

    /** Removes every subscription; later adds are refused. */
    synchronized void close() {
        closed = true;
        if (sink != null) {
            for (Topic t : topics) {
                registry.unsubscribe(t, sink);
            }
        }
        topics.clear();
    }
}
