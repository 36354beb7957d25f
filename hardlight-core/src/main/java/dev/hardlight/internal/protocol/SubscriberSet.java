package dev.hardlight.internal.protocol;

import dev.hardlight.internal.protocol.TopicRegistry.EventSink;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The subscribers of one large topic: a hash set (by identity) that adds and removes in O(1), and an
 * array snapshot of it for emit, made again only when an emit finds the set changed since the last
 * one. A snapshot thus costs at most one copy per emit, no more than the emit's own pass over the
 * subscribers, however many subscribe and unsubscribe in between.
 *
 * <p>Thread-safe. {@link #add} and {@link #remove} lock this object; {@link #snapshot} reads a
 * volatile field and locks only to make a new snapshot. {@link TopicRegistry} stops changing a set
 * once it has replaced it in its map, so an emit still holding a replaced set sees it as it last was.
 */
final class SubscriberSet {
    /** Guarded by this. */
    private final Set<EventSink> members;
    /** The members as of the last change, or null when changed since: written under this, read by any thread. */
    private volatile EventSink[] snapshot;
    /** Written under this, read by any thread. */
    private volatile int size;

    /** A set of {@code sinks} (distinct) and {@code added}, which is not among them. */
    SubscriberSet(EventSink[] sinks, EventSink added) {
        members = Collections.newSetFromMap(new IdentityHashMap<>(sinks.length * 2));
        Collections.addAll(members, sinks);
        members.add(added);
        size = members.size();
    }

    /** Adds {@code sink}; false if it was there. */
    synchronized boolean add(EventSink sink) {
        if (!members.add(sink)) {
            return false;
        }
        size = members.size();
        snapshot = null;
        return true;
    }

    /** Removes {@code sink}; false if it was not there. */
    synchronized boolean remove(EventSink sink) {
        if (!members.remove(sink)) {
            return false;
        }
        size = members.size();
        snapshot = null;
        return true;
    }

    int size() {
        return size;
    }

    /**
     * The members now, as an array the caller must not change. Without a lock when nothing changed
     * since the last call; otherwise one copy of the set, under this object's lock.
     */
    EventSink[] snapshot() {
        EventSink[] s = snapshot;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (s == null) {
                s = members.toArray(new EventSink[0]);
                snapshot = s;
            }
            return s;
        }
    }
}
