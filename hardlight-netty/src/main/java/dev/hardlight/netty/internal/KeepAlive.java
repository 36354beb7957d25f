package dev.hardlight.netty.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * A connection's keepalive setting: ping after {@code pingInterval} without a read, close after
 * {@code idleTimeout} without one. Validated here for both public builders.
 *
 * @throws IllegalArgumentException unless {@code 0 < pingInterval < idleTimeout}
 */
public record KeepAlive(Duration pingInterval, Duration idleTimeout) {
    public KeepAlive {
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("pingInterval: " + pingInterval + " (expected: > 0)");
        }
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > pingInterval " + pingInterval + ")");
        }
    }

    /** "90 s", "600 ms": the idle timeout for close reasons and messages. */
    public String describeIdleTimeout() {
        long millis = idleTimeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
