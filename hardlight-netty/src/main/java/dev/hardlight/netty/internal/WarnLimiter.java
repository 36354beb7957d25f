package dev.hardlight.netty.internal;

/**
 * Bounds repeated WARN lines of one kind (a server's protocol violations): at most {@code max}
 * lines per window; the rest go to DEBUG and are counted, and the first line allowed after the
 * window says how many were held back ("and 2,999 more in the last 10 s"). Every line still names
 * its connection.
 *
 * <p>Thread-safe: every event loop of a server shares one.
 */
final class WarnLimiter {
    private final int max;
    private final long windowNanos;
    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;

    WarnLimiter(int max, long windowNanos) {
        this.max = max;
        this.windowNanos = windowNanos;
    }

    /**
     * Asks to log one WARN line now.
     *
     * @return -1 when this line must go to DEBUG instead; otherwise the number of lines held back in
     *     the previous window (0: nothing to summarize)
     */
    synchronized long acquire() {
        long now = System.nanoTime();
        long held = 0;
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            inWindow = 0;
            held = suppressed;
            suppressed = 0;
        }
        if (inWindow >= max) {
            suppressed++;
            return -1;
        }
        inWindow++;
        return held;
    }

    long windowSeconds() {
        return windowNanos / 1_000_000_000L;
    }
}
