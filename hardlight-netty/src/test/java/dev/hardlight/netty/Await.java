package dev.hardlight.netty;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A bounded polling wait, for conditions nothing signals (counters of the server). */
final class Await {
    private Await() {}

    /** Polls {@code condition} every 10 ms until it holds; fails after {@code timeout}. */
    static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }
}
