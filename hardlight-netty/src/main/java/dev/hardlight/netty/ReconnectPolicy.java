package dev.hardlight.netty;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how often a client reconnects after its connection is lost (see
 * {@link ClientOptions.Builder#reconnect(ReconnectPolicy)}): exponential backoff with jitter, bounded.
 * Immutable and thread-safe.
 *
 * <p>The delay before attempt {@code n} (1, 2, ...) is {@code initialDelay * multiplier^(n-1)}, at most
 * {@code maxDelay}, then spread at random by up to {@code ±jitter} of itself (so clients that lost the
 * same server do not all come back in the same millisecond), never beyond {@code maxDelay}. With the
 * defaults: about 100 ms, 200 ms, 400 ms, ... up to 10 s, ±20%, and no limit on the number of attempts.
 *
 * <p>While the client is disconnected, a call waits for the new connection up to its deadline, or
 * up to {@link #callWait()} when it has none; then it fails with {@code DEADLINE_EXCEEDED} or
 * {@code UNAVAILABLE}. No call ever waits for ever.
 */
public final class ReconnectPolicy {
    /** Default of {@link Builder#initialDelay(Duration)}: 100 ms. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(100);
    /** Default of {@link Builder#maxDelay(Duration)}: 10 s. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
    /** Default of {@link Builder#multiplier(double)}. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Default of {@link Builder#jitter(double)}: ±20%. */
    public static final double DEFAULT_JITTER = 0.2;
    /** Default of {@link Builder#callWait(Duration)}: 30 s. */
    public static final Duration DEFAULT_CALL_WAIT = Duration.ofSeconds(30);

    private static final ReconnectPolicy DEFAULTS = new Builder().build();

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;
    private final Duration callWait;

    private ReconnectPolicy(Builder b) {
        if (b.maxDelay.compareTo(b.initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay: " + b.maxDelay + " (expected: >= initialDelay " + b.initialDelay + ")");
        }
        initialDelay = b.initialDelay;
        maxDelay = b.maxDelay;
        multiplier = b.multiplier;
        jitter = b.jitter;
        maxAttempts = b.maxAttempts;
        callWait = b.callWait;
    }

    /** The default policy: see the class description. */
    public static ReconnectPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    public double jitter() {
        return jitter;
    }

    /** The most attempts after one loss before the client gives up and closes; 0 for no limit. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** How long a call without a deadline waits for the client to reconnect. */
    public Duration callWait() {
        return callWait;
    }

    /**
     * The delay before attempt {@code attempt} (1 for the first after a loss), jitter included.
     *
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
        }
        double max = maxDelay.toNanos();
        double base = Math.min(max, initialDelay.toNanos() * Math.pow(multiplier, Math.min(attempt - 1, 1_000)));
        double spread = jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofNanos((long) Math.max(0, Math.min(max, base * (1 + spread))));
    }

    @Override
    public String toString() {
        return "ReconnectPolicy[initialDelay=" + initialDelay + ", maxDelay=" + maxDelay + ", multiplier=" + multiplier
                + ", jitter=" + jitter + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : maxAttempts)
                + ", callWait=" + callWait + "]";
    }

    /** Builds a {@link ReconnectPolicy}. Not thread-safe. */
    public static final class Builder {
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private double multiplier = DEFAULT_MULTIPLIER;
        private double jitter = DEFAULT_JITTER;
        private int maxAttempts;
        private Duration callWait = DEFAULT_CALL_WAIT;

        private Builder() {}

        private Builder(ReconnectPolicy p) {
            initialDelay = p.initialDelay;
            maxDelay = p.maxDelay;
            multiplier = p.multiplier;
            jitter = p.jitter;
            maxAttempts = p.maxAttempts;
            callWait = p.callWait;
        }

        /** The delay before the first attempt after a loss. Zero reconnects at once. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = nonNegative(initialDelay, "initialDelay");
            return this;
        }

        /** The longest delay between two attempts (jitter included); at least the initial delay. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = nonNegative(maxDelay, "maxDelay");
            return this;
        }

        /** How much the delay grows from one attempt to the next: 1 (constant) to 10. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1 && multiplier <= 10)) {
                throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: 1..10)");
            }
            this.multiplier = multiplier;
            return this;
        }

        /** The random spread of each delay, as a fraction of it: 0 (none) to 1. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter: " + jitter + " (expected: 0..1)");
            }
            this.jitter = jitter;
            return this;
        }

        /** The most attempts after one loss before the client gives up and closes; 0 (the default) for no limit. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 0)");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** How long a call without a deadline waits for the client to reconnect; positive. */
        public Builder callWait(Duration callWait) {
            this.callWait = Settings.positive("callWait", callWait);
            return this;
        }

        /** @throws IllegalArgumentException if {@code maxDelay < initialDelay} */
        public ReconnectPolicy build() {
            return new ReconnectPolicy(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
            }
            return d;
        }
    }
}
