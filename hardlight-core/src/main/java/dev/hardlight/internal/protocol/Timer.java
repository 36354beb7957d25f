package dev.hardlight.internal.protocol;

import java.time.Duration;

/**
 * Where a sans-I/O session gets its time from: runs a task once after a delay, and tells the time
 * ({@link #nanoTime()}). The transport
 * implements it over its event loop's scheduler; tests implement it by hand and fire tasks when they
 * choose, so no test sleeps.
 *
 * <p>Implementations must be thread-safe: a session schedules from caller threads and cancels from
 * the event loop. A task may run on any thread, and may still run once after its handle was cancelled
 * if it had already started; sessions make their tasks harmless then.
 */
@FunctionalInterface
public interface Timer {
    /**
     * Runs {@code task} once, {@code delay} from now (a delay of zero or less: as soon as possible).
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Scheduled schedule(Runnable task, Duration delay);

    /**
     * The timer's clock, in nanoseconds from an arbitrary origin (as {@link System#nanoTime()}): what a
     * session measures deadlines with, so a test's timer decides both when tasks run and what time it is.
     */
    default long nanoTime() {
        return System.nanoTime();
    }

    /** A scheduled task. */
    @FunctionalInterface
    interface Scheduled {
        /** Cancels the task if it has not run yet; does nothing otherwise. Idempotent. */
        void cancel();
    }
}
