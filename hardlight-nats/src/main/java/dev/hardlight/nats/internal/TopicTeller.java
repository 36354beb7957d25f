package dev.hardlight.nats.internal;

import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.TopicListener;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the application's {@link TopicListener} the cluster-wide changes, on one virtual thread, one at
 * a time, in order, so a slow or blocking listener never holds the notifier (whose heartbeats keep the
 * node a member). Changes that cancel out while the listener is busy are dropped, as
 * {@code TopicListener} documents: at most one change waits per topic. Thread-safe.
 */
public final class TopicTeller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTeller.class);

    private final TopicListener listener;
    /** Guarded by this. */
    private final LinkedHashMap<Topic, TopicChange> pending = new LinkedHashMap<>();
    /** Guarded by this. */
    private boolean closed;
    private final Thread thread;

    public TopicTeller(TopicListener listener) {
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("hl-nats-topic-teller").start(this::run);
    }

    /** Queues a change; a pending opposite change of the same topic cancels out with it. */
    public synchronized void tell(TopicChange change) {
        TopicChange before = pending.remove(change.topic());
        if (before == null || before.getClass() == change.getClass()) {
            pending.put(change.topic(), change);
        }
        notifyAll();
    }

    private void run() {
        while (true) {
            TopicChange next;
            synchronized (this) {
                while (pending.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                Iterator<Map.Entry<Topic, TopicChange>> it = pending.entrySet().iterator();
                next = it.next().getValue();
                it.remove();
            }
            try {
                listener.topicChanged(next);
            } catch (RuntimeException e) {
                log.warn("cluster: the topic listener threw on {}", next, e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }
}
