package dev.hardlight.internal.protocol;

import dev.hardlight.ClusterBus;
import dev.hardlight.EventEmitter;
import dev.hardlight.Metadata;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.TopicListener;
import dev.hardlight.codec.Codec;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide map from topic to subscribed sessions, and the server's event emitter.
 *
 * <p>Emitting reads the topic's subscribers as an array, encodes the event once into a single EVENT
 * frame and hands every subscriber a retained duplicate of it (the same memory, no copy). An emit
 * delivers to every sink whose subscription completed before the emit started, to none whose
 * unsubscription completed before it started, and at most once to each.
 *
 * <p>A topic of up to 64 subscribers ({@code SMALL_MAX}; most topics have one) is a copy-on-write array
 * that subscribing copies and the emit reads without a lock. A larger topic is a {@link SubscriberSet}:
 * subscribing and unsubscribing cost O(1), and the first emit after a change makes the array again
 * (under the set's lock, one copy, no more than the emit's own pass over the subscribers); later emits
 * read it without a lock. A set that falls to 32 ({@code SMALL_AGAIN}) becomes an array again
 * (well below the limit, so that a topic hovering at the limit does not switch at every change).
 * So N connections joining one topic cost O(N), not O(N²).
 *
 * <p>Subscribing and unsubscribing take one lock; topic changes ({@code Created} on the first
 * subscriber, {@code Removed} after the last) are queued under that lock and handed to the
 * {@link TopicListener} in order by one drainer at a time, on the notifier executor, never while
 * holding the lock (so the listener may emit or subscribe). A change that cancels one still
 * waiting removes it, so at most one change per topic waits for a slow listener.
 *
 * <p>With a {@link ClusterBus} (cluster mode), an emit also hands the same encoded frame to the bus
 * once, and frames published by other nodes are delivered to the local subscribers from one shared
 * buffer ({@link #deliverRemote}). Without one, the emit path does no cluster work (one null check).
 *
 * <p>Thread-safe.
 */
public final class TopicRegistry<E> implements EventEmitter<E> {
    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);
    private static final EventSink[] NONE = new EventSink[0];
    /** The most subscribers a topic keeps in an array: one more makes it a {@link SubscriberSet}. */
    static final int SMALL_MAX = 64;
    /** A {@link SubscriberSet} down to this many subscribers becomes an array again. */
    static final int SMALL_AGAIN = 32;

    /** Where a topic's events go: one per connection. */
    public interface EventSink {
        /** Takes ownership of {@code frame} (a retained duplicate shared with other sinks). */
        void deliverEvent(ByteBuf frame);
    }

    private final Codec<E> codec;
    private final ByteBufAllocator alloc;
    private final TopicListener listener;
    private final Executor notifier;
    /** The cluster bus, or {@code null} on a single node. */
    private final ClusterBus bus;
    /**
     * Each topic's subscribers: an {@code EventSink[]} of 1 to {@link #SMALL_MAX} (never changed once
     * in the map) or a {@link SubscriberSet} of more than {@link #SMALL_AGAIN}. Changed under lock.
     */
    private final ConcurrentHashMap<Topic, Object> topics = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Guarded by lock: the changes the listener has not been told yet, at most one per topic, in the
     * order they happened (see {@link #queue}).
     */
    private final LinkedHashMap<Topic, TopicChange> changes = new LinkedHashMap<>();
    /** Guarded by lock: whether a drainer is running. */
    private boolean draining;
    /** Guarded by lock. */
    private long subscriptionCount;

    /**
     * @param codec the event codec ({@code null} when the service has no events: emit then fails)
     * @param listener the topic notifier, or {@code null}
     * @param notifier runs the drainer of topic changes (a virtual thread per drain in production)
     */
    public TopicRegistry(Codec<E> codec, ByteBufAllocator alloc, TopicListener listener, Executor notifier) {
        this(codec, alloc, listener, notifier, null, "", 0);
    }

    /**
     * A registry in cluster mode when {@code bus} is not null: the bus is started here and told of the
     * local topic changes (it passes them on to {@code listener} as it documents).
     *
     * @param service the service's name (for the bus)
     * @param eventContract the schema hash of the event type (for the bus)
     */
    public TopicRegistry(Codec<E> codec, ByteBufAllocator alloc, TopicListener listener, Executor notifier,
                         ClusterBus bus, String service, long eventContract) {
        this.codec = codec;
        this.alloc = alloc;
        this.notifier = notifier;
        this.bus = bus;
        this.listener = bus == null ? listener : bus.start(new BusNode(service, eventContract), listener);
    }

    /** The cluster bus, or {@code null}. */
    public ClusterBus bus() {
        return bus;
    }

    /** What this registry offers its cluster bus. */
    private final class BusNode implements ClusterBus.Node {
        private final String service;
        private final long eventContract;

        BusNode(String service, long eventContract) {
            this.service = service;
            this.eventContract = eventContract;
        }

        @Override
        public String service() {
            return service;
        }

        @Override
        public long eventContract() {
            return eventContract;
        }

        @Override
        public int deliver(byte[] frame, int offset, int length) {
            return deliverRemote(frame, offset, length);
        }

        @Override
        public boolean hasSubscribers(Topic topic) {
            return topics.containsKey(topic);
        }
    }

    /**
     * Delivers an EVENT frame from another node to this node's subscribers of its topic: one wrapping
     * buffer (no copy), a retained duplicate per subscriber.
     *
     * @return the subscribers it was queued to, or -1 if the bytes are not one EVENT frame with a topic
     */
    public int deliverRemote(byte[] frame, int offset, int length) {
        Topic topic = topicOf(frame, offset, length);
        if (topic == null) {
            return -1;
        }
        EventSink[] sinks = sinks(topics.get(topic));
        if (sinks.length == 0) {
            return 0;
        }
        ByteBuf shared = Unpooled.wrappedBuffer(frame, offset, length);
        try {
            for (EventSink sink : sinks) {
                sink.deliverEvent(shared.retainedDuplicate());
            }
        } finally {
            shared.release();
        }
        return sinks.length;
    }

    /**
     * The topic of an EVENT or EVENT_META frame ({@code 07 topicLength:varint topic payload}, the topic
     * at the same place in both), or null if malformed.
     */
    static Topic topicOf(byte[] frame, int offset, int length) {
        return Frames.eventTopicOrNull(Unpooled.wrappedBuffer(frame, offset, length));
    }

    @Override
    public int emit(Topic topic, E event) {
        if (codec == null) {
            throw new IllegalStateException("this service declares no events (@Rpc(events = ...))");
        }
        EventSink[] sinks = sinks(topics.get(Objects.requireNonNull(topic, "topic")));
        if (bus != null) {
            return emitClustered(topic, event, sinks);
        }
        if (sinks.length == 0) {
            return 0;
        }
        ByteBuf frame = encode(topic, event);
        try {
            for (EventSink sink : sinks) {
                sink.deliverEvent(frame.retainedDuplicate());
            }
        } finally {
            frame.release();
        }
        return sinks.length;
    }

    /** Cluster mode: one encode, one publish to the bus, then the local subscribers. */
    private int emitClustered(Topic topic, E event, EventSink[] sinks) {
        ByteBuf frame = encode(topic, event);
        try {
            bus.publish(topic, frame.nioBuffer());
            for (EventSink sink : sinks) {
                sink.deliverEvent(frame.retainedDuplicate());
            }
        } finally {
            frame.release();
        }
        return sinks.length;
    }

    /**
     * The EVENT frame ({@code 07 topicLength:varint topic payload}), or the EVENT_META frame (metadata
     * between the topic and the payload) when metadata is attached to the emitting thread
     * ({@link dev.hardlight.Metadata#attach()}): encoded once, so every subscriber gets the emit's
     * metadata. Nothing attached costs one thread-local read.
     */
    ByteBuf encode(Topic topic, E event) {
        Metadata metadata = Metadata.attached();
        ByteBuf frame = alloc.buffer();
        try {
            Frames.writeEventHeader(frame, topic, metadata);
            codec.encode(event, new ByteBufWireWriter(frame));
            return frame;
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    /** The array to emit to, from a value of {@link #topics} or null. */
    private static EventSink[] sinks(Object subscribers) {
        if (subscribers == null) {
            return NONE;
        }
        return subscribers instanceof EventSink[] array ? array : ((SubscriberSet) subscribers).snapshot();
    }

    /** Adds {@code sink} to {@code topic}; {@code false} if it already was there. */
    public boolean subscribe(Topic topic, EventSink sink) {
        lock.lock();
        try {
            Object subscribers = topics.get(topic);
            if (subscribers instanceof SubscriberSet set) {
                if (!set.add(sink)) {
                    return false;
                }
            } else {
                EventSink[] sinks = subscribers == null ? NONE : (EventSink[]) subscribers;
                for (EventSink s : sinks) {
                    if (s == sink) {
                        return false;
                    }
                }
                if (sinks.length < SMALL_MAX) {
                    EventSink[] grown = Arrays.copyOf(sinks, sinks.length + 1);
                    grown[sinks.length] = sink;
                    topics.put(topic, grown);
                } else {
                    topics.put(topic, new SubscriberSet(sinks, sink));
                }
            }
            subscriptionCount++;
            if (subscribers == null) {
                queue(new TopicChange.Created(topic));
            }
        } finally {
            lock.unlock();
        }
        drain();
        return true;
    }

    /** Removes {@code sink} from {@code topic}; {@code false} if it was not there. */
    public boolean unsubscribe(Topic topic, EventSink sink) {
        lock.lock();
        try {
            Object subscribers = topics.get(topic);
            if (subscribers instanceof SubscriberSet set) {
                if (!set.remove(sink)) {
                    return false;
                }
                if (set.size() <= SMALL_AGAIN) {
                    // The set is not changed again: an emit that still holds it delivers to its last members.
                    topics.put(topic, set.snapshot());
                }
            } else if (!unsubscribeSmall(topic, subscribers == null ? NONE : (EventSink[]) subscribers, sink)) {
                return false;
            }
            subscriptionCount--;
        } finally {
            lock.unlock();
        }
        drain();
        return true;
    }

    /** Removes {@code sink} from a topic kept as {@code sinks} (under lock); false if it was not there. */
    private boolean unsubscribeSmall(Topic topic, EventSink[] sinks, EventSink sink) {
        int i = 0;
        while (i < sinks.length && sinks[i] != sink) {
            i++;
        }
        if (i == sinks.length) {
            return false;
        }
        if (sinks.length == 1) {
            topics.remove(topic);
            queue(new TopicChange.Removed(topic));
        } else {
            EventSink[] shrunk = new EventSink[sinks.length - 1];
            System.arraycopy(sinks, 0, shrunk, 0, i);
            System.arraycopy(sinks, i + 1, shrunk, i, sinks.length - i - 1);
            topics.put(topic, shrunk);
        }
        return true;
    }

    /** Topics with at least one subscriber. */
    public int topicCount() {
        return topics.size();
    }

    /** Subscriptions over all topics and connections. */
    public long subscriptionCount() {
        lock.lock();
        try {
            return subscriptionCount;
        } finally {
            lock.unlock();
        }
    }

    /** The subscribers of a topic now. */
    public int subscriberCount(Topic topic) {
        Object subscribers = topics.get(topic);
        if (subscribers == null) {
            return 0;
        }
        return subscribers instanceof EventSink[] array ? array.length : ((SubscriberSet) subscribers).size();
    }

    /**
     * Queues a change for the listener; lock held. A topic's changes alternate (Created, Removed,
     * Created...), so a change queued while the opposite one still waits cancels it: the listener
     * never hears of a topic created and removed while it was busy, nor of one removed and created
     * again. At most one change per topic waits, whatever the churn and however slow the listener;
     * those that remain keep the order they happened in.
     */
    private void queue(TopicChange change) {
        if (listener != null && changes.remove(change.topic()) == null) {
            changes.put(change.topic(), change);
        }
    }

    /** Changes waiting for the listener (at most one per topic). */
    int pendingChanges() {
        lock.lock();
        try {
            return changes.size();
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        lock.lock();
        try {
            if (draining || changes.isEmpty()) {
                return;
            }
            draining = true;
        } finally {
            lock.unlock();
        }
        notifier.execute(this::runDrainer);
    }

    private void runDrainer() {
        while (true) {
            TopicChange next;
            lock.lock();
            try {
                Iterator<TopicChange> oldest = changes.values().iterator();
                if (!oldest.hasNext()) {
                    draining = false;
                    return;
                }
                next = oldest.next();
                oldest.remove();
            } finally {
                lock.unlock();
            }
            try {
                listener.topicChanged(next);
            } catch (Throwable t) {
                log.warn("the topic listener failed on {}", next, t);
            }
        }
    }
}
