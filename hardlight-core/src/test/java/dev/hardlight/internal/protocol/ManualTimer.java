package dev.hardlight.internal.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Timer} the test drives by hand: its clock stands still until the test {@link #advance advances}
 * it, and tasks run only when the test fires them or advances the clock past them, so no test sleeps
 * and every test sees the same times.
 */
final class ManualTimer implements Timer {
    /** One scheduled task; {@code cancelled} and {@code fired} are guarded by the timer. */
    static final class Task implements Timer.Scheduled {
        final Runnable task;
        final Duration delay;
        final long due;
        boolean cancelled;
        boolean fired;
        private final ManualTimer timer;

        Task(ManualTimer timer, Runnable task, Duration delay) {
            this.timer = timer;
            this.task = task;
            this.delay = delay;
            this.due = timer.now + Math.max(0, delay.toNanos());
        }

        @Override
        public void cancel() {
            synchronized (timer) {
                cancelled = true;
            }
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    /** Guarded by this: the clock, in nanoseconds. */
    private long now = 1_000_000_000L;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /**
     * Moves the clock forward by {@code d} and runs, on this thread and in the order they fall due, the
     * pending tasks whose time has come; returns how many ran.
     */
    int advance(Duration d) {
        List<Task> due;
        synchronized (this) {
            now += d.toNanos();
            due = tasks.stream().filter(t -> !t.cancelled && !t.fired && t.due <= now)
                    .sorted(java.util.Comparator.comparingLong(t -> t.due)).toList();
            due.forEach(t -> t.fired = true);
        }
        due.forEach(t -> t.task.run());
        return due.size();
    }

    @Override
    public synchronized Scheduled schedule(Runnable task, Duration delay) {
        Task t = new Task(this, task, delay);
        tasks.add(t);
        return t;
    }

    /** Every task scheduled so far, cancelled and fired ones included. */
    synchronized List<Task> tasks() {
        return List.copyOf(tasks);
    }

    /** Tasks neither cancelled nor fired yet. */
    synchronized List<Task> pending() {
        return tasks.stream().filter(t -> !t.cancelled && !t.fired).toList();
    }

    /** Runs every pending task (as if its delay had passed), on this thread; returns how many ran. */
    int fireAll() {
        List<Task> due = pending();
        synchronized (this) {
            due.forEach(t -> t.fired = true);
        }
        due.forEach(t -> t.task.run());
        return due.size();
    }
}
