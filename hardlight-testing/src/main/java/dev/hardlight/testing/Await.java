package dev.hardlight.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Waiting for a condition that no callback reports (a server counter, a connection count). */
public final class Await {
    private Await() {}

    /**
     * Returns as soon as {@code condition} is true, checking it every millisecond at first and every
     * 20 ms at most, for up to {@code timeout}.
     *
     * @param what said in the failure message
     * @throws AssertionError if the condition is still false at the timeout
     */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            pause = Math.min(20, pause * 2);
        }
    }
}
