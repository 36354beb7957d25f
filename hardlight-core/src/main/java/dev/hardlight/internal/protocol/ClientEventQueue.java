package dev.hardlight.internal.protocol;

import dev.hardlight.Event;
import dev.hardlight.EventStream;
import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.Topic;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's bounded event queue. A full queue drops the new event and counts it; the next event
 * queued carries the count ({@link Event#missedBefore()}), together with drops the server reported.
 *
 * <p>A client that reconnects keeps one queue across its connections (see
 * {@link ClientSession#ClientSession(ServiceDescriptor, Outbound, int, ClientEventQueue, Timer, Duration, String)}):
 * {@link #reconnected()} marks the gap, which the next event queued reports
 * ({@link Event#afterReconnect()}).
 *
 * <p>Thread-safe: the event loop offers, application threads take.
 */
public final class ClientEventQueue implements EventStream<Object> {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** Guarded by lock. */
    private final ArrayDeque<Event<Object>> queue = new ArrayDeque<>();
    /** Guarded by lock: dropped since the last event queued. */
    private long pendingMissed;
    /** Guarded by lock. */
    private long totalMissed;
    /** Events skipped because their payload named a constant or subtype this client does not know. */
    private final AtomicLong skippedUnknown = new AtomicLong();
    /** Guarded by lock: a reconnect happened since the last event queued. */
    private boolean gap;
    /** Guarded by lock. */
    private RpcException closed;

    /** @param capacity events kept before new ones are dropped and counted; at least 1 */
    public ClientEventQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("eventQueueCapacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** Marks a reconnect: the next event queued says so. */
    public void reconnected() {
        lock.lock();
        try {
            gap = true;
        } finally {
            lock.unlock();
        }
    }

    /** Queues an event (or counts it when full); returns the event as listeners see it. */
    Event<Object> offer(Topic topic, Object value, Metadata metadata) {
        lock.lock();
        try {
            Event<Object> event = new Event<>(topic, value, pendingMissed, gap, metadata);
            if (queue.size() >= capacity) {
                pendingMissed++;
                totalMissed++;
            } else {
                queue.add(event);
                pendingMissed = 0;
                gap = false;
                notEmpty.signal();
            }
            return event;
        } finally {
            lock.unlock();
        }
    }

    /** Counts events the server dropped for this connection. */
    void missed(long n) {
        lock.lock();
        try {
            pendingMissed += n;
            totalMissed += n;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream: once empty, {@code take} and {@code poll} throw {@code reason}. Idempotent. */
    public void close(RpcException reason) {
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
                notEmpty.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Event<Object> take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed != null) {
                    throw new RpcException(closed.status(), closed.getMessage());
                }
                notEmpty.await();
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Event<Object>> poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed != null) {
                    throw new RpcException(closed.status(), closed.getMessage());
                }
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return Optional.of(queue.poll());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long missed() {
        lock.lock();
        try {
            return totalMissed;
        } finally {
            lock.unlock();
        }
    }

    /** Counts an event skipped because its payload named a constant or subtype this client does not know. */
    void skippedUnknown(long n) {
        skippedUnknown.addAndGet(n);
    }

    @Override
    public long skippedUnknown() {
        return skippedUnknown.get();
    }
}
