package dev.hardlight.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Keeps what it is given, in order, and lets a test wait for it with a timeout. The base of
 * {@link EventRecorder}, {@link StateRecorder} and {@link ConnectionRecorder}; usable on its own for
 * anything a callback reports.
 *
 * <p>Thread-safe: {@link #record(Object)} may be called from any thread (typically a connection's I/O
 * thread) and never blocks for long. The awaiting methods read through a cursor: each item is handed to
 * at most one {@code await} call, in the order recorded; {@link #all()} sees every item regardless.
 * Bounded: past {@link #CAPACITY} items, further items are counted but not kept, and every later
 * {@code await} fails with an {@link AssertionError} saying so (a test that records that much has a bug).
 *
 * @param <T> what is recorded
 */
public class Recorder<T> {
    /** The most items a recorder keeps: 100,000. */
    public static final int CAPACITY = 100_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private final List<T> items = new ArrayList<>();
    private int cursor;
    private long overflow;

    /** An empty recorder. */
    public Recorder() {}

    /**
     * Records {@code item} and wakes the waiting tests.
     *
     * @param item what happened; {@code null} is not allowed
     */
    public void record(T item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            if (items.size() >= CAPACITY) {
                overflow++;
                return;
            }
            items.add(item);
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of every item recorded so far, in order (consumed by an {@code await} or not). */
    public List<T> all() {
        lock.lock();
        try {
            return List.copyOf(items);
        } finally {
            lock.unlock();
        }
    }

    /** How many items were recorded so far (up to {@link #CAPACITY}). */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next item not yet handed to an {@code await} call, waiting up to {@code timeout} for it.
     *
     * @throws AssertionError if none arrives in time (the message lists what was recorded)
     */
    public T awaitNext(Duration timeout) {
        return awaitMatching(x -> true, timeout, "any item");
    }

    /**
     * The next {@code count} items not yet handed to an {@code await} call, waiting up to {@code timeout}
     * for all of them.
     *
     * @throws AssertionError if fewer arrive in time
     */
    public List<T> awaitCount(int count, Duration timeout) {
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
        }
        long deadline = deadline(timeout);
        lock.lock();
        try {
            while (items.size() - cursor < count) {
                waitUntil(deadline, count + " items (" + (items.size() - cursor) + " arrived)");
            }
            List<T> out = List.copyOf(items.subList(cursor, cursor + count));
            cursor += count;
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first item not yet handed to an {@code await} call that matches {@code condition}, waiting up
     * to {@code timeout}; the items before it that do not match are passed over (and not handed out again).
     *
     * @throws AssertionError if no matching item arrives in time
     */
    public T awaitMatching(Predicate<? super T> condition, Duration timeout) {
        return awaitMatching(condition, timeout, "an item matching the condition");
    }

    T awaitMatching(Predicate<? super T> condition, Duration timeout, String what) {
        Objects.requireNonNull(condition, "condition");
        long deadline = deadline(timeout);
        lock.lock();
        try {
            while (true) {
                while (cursor < items.size()) {
                    T item = items.get(cursor++);
                    if (condition.test(item)) {
                        return item;
                    }
                }
                waitUntil(deadline, what);
            }
        } finally {
            lock.unlock();
        }
    }

    private static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        return System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    }

    /** Waits (holding the lock) until something is added or the deadline passes; fails at the deadline. */
    private void waitUntil(long deadline, String what) {
        if (overflow > 0) {
            throw new AssertionError("recorder overflowed: " + overflow + " items past the first " + CAPACITY
                    + " were not kept");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("timed out waiting for " + what + "; recorded so far: " + describe());
        }
        try {
            added.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    private String describe() {
        int n = items.size();
        List<T> tail = items.subList(Math.max(0, n - 20), n);
        return n + " item(s)" + (n > 20 ? ", the last 20: " : ": ") + tail;
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return getClass().getSimpleName() + "[" + describe() + ", " + cursor + " consumed]";
        } finally {
            lock.unlock();
        }
    }

}
