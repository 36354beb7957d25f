package dev.hardlight.internal.protocol;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The in-flight slots of one server connection, indexed by call id, allocated a page of
 * {@value #PAGE} at a time on first use. A connection that never has more than a few calls in flight
 * holds one small page instead of an array as long as the in-flight limit (256 references, about
 * 1 KiB, on each of 10,000 idle connections was a seventh of the server's heap per connection).
 *
 * <p>Thread-safe, with the semantics of {@link AtomicReferenceArray} per slot: {@link #get} and
 * {@link #compareAndSet} are volatile reads and atomic updates. A page, once made, stays for the
 * connection's life.
 *
 * @param <T> what a slot holds
 */
final class CallSlots<T> {
    /** Slots per page: a power of two. */
    static final int PAGE = 32;
    private static final int SHIFT = Integer.numberOfTrailingZeros(PAGE);

    private final int capacity;
    private final AtomicReferenceArray<AtomicReferenceArray<T>> pages;

    /**
     * @param capacity the number of slots (call ids 0..capacity-1)
     */
    CallSlots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
        this.pages = new AtomicReferenceArray<>((capacity + PAGE - 1) >>> SHIFT);
    }

    int capacity() {
        return capacity;
    }

    /** The slot's content, or {@code null} if empty (or its page was never used). */
    T get(int id) {
        Objects.checkIndex(id, capacity);
        AtomicReferenceArray<T> page = pages.get(id >>> SHIFT);
        return page == null ? null : page.get(id & (PAGE - 1));
    }

    /** Sets the slot to {@code update} if it holds {@code expect}; makes its page when needed. */
    boolean compareAndSet(int id, T expect, T update) {
        Objects.checkIndex(id, capacity);
        int p = id >>> SHIFT;
        AtomicReferenceArray<T> page = pages.get(p);
        if (page == null) {
            if (expect != null) {
                return false; // an unmade page holds only empty slots
            }
            page = new AtomicReferenceArray<>(PAGE);
            if (!pages.compareAndSet(p, null, page)) {
                page = pages.get(p);
            }
        }
        return page.compareAndSet(id & (PAGE - 1), expect, update);
    }
}
