package dev.hardlight.internal.protocol;

import dev.hardlight.Subscriptions;
import dev.hardlight.Topic;
import java.util.Collections;
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
    /**
     * Guarded by this: the topics, in subscription order. Most connections hold none or one, and many
     * connections stay idle for long, so one topic is kept in {@code single} and a set made only for more.
     */
    private Topic single;
    /** Guarded by this: the topics when there are two or more ({@code single} is then null). */
    private LinkedHashSet<Topic> many;
    /** Guarded by this. */
    private TopicRegistry.EventSink sink;
    /** Guarded by this. */
    private boolean closed;

    SessionSubscriptions(TopicRegistry<?> registry) {
        this.registry = registry;
    }

    synchronized void bind(TopicRegistry.EventSink sink) {
        this.sink = sink;
        for (Topic t : current()) {
            registry.subscribe(t, sink);
        }
    }

    /** The topics (guarded by this; a view or an immutable set). */
    private Set<Topic> current() {
        return many != null ? many : single != null ? Set.of(single) : Set.of();
    }

    /** Adds to the topics (guarded by this); false if already there. */
    private boolean addTopic(Topic topic) {
        if (many != null) {
            return many.add(topic);
        }
        if (single == null) {
            single = topic;
            return true;
        }
        if (single.equals(topic)) {
            return false;
        }
        many = new LinkedHashSet<>();
        many.add(single);
        many.add(topic);
        single = null;
        return true;
    }

    /** Removes from the topics (guarded by this); false if not there. */
    private boolean removeTopic(Topic topic) {
        if (many != null) {
            return many.remove(topic);
        }
        if (single != null && single.equals(topic)) {
            single = null;
            return true;
        }
        return false;
    }

    @Override
    public synchronized boolean add(Topic topic) {
        Objects.requireNonNull(topic, "topic");
        if (closed || !addTopic(topic)) {
            return false;
        }
        if (sink != null) {
            registry.subscribe(topic, sink);
        }
        return true;
    }

    @Override
    public synchronized boolean remove(Topic topic) {
        if (!removeTopic(topic)) {
            return false;
        }
        if (sink != null) {
            registry.unsubscribe(topic, sink);
        }
        return true;
    }

    @Override
    public synchronized boolean contains(Topic topic) {
        return many != null ? many.contains(topic) : topic.equals(single);
    }

    @Override
    public synchronized Set<Topic> topics() {
        return many != null ? Collections.unmodifiableSet(new LinkedHashSet<>(many)) : current();
    }

    /** Removes every subscription; later adds are refused. */
    synchronized void close() {
        closed = true;
        if (sink != null) {
            for (Topic t : current()) {
                registry.unsubscribe(t, sink);
            }
        }
        single = null;
        many = null;
    }
}
