package dev.hardlight.netty;

import java.time.Duration;
import java.util.Objects;

/**
 * Keepalive and idle timeout of an open connection, the same setting for clients
 * ({@link ClientOptions.Builder#keepAlive(KeepAlive)}) and servers
 * ({@link ServerOptions.Builder#keepAlive(KeepAlive)}): when nothing was received on the connection for
 * the ping interval, a WebSocket ping is sent (the peer answers with a pong by itself), and again every
 * interval while the silence lasts; when nothing at all (no message, no pong, not a byte) was received
 * for the idle timeout, the connection is given up. This frees connections whose peer vanished
 * without a TCP close (a pulled cable, a sleeping laptop, a NAT that forgot the flow), which TCP alone
 * may take many minutes to notice. Each side's builder says what giving up means there.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeepAlive {
    /** The default ping interval: 30 seconds. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** The default idle timeout: 90 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);

    private static final KeepAlive DEFAULTS = new KeepAlive(DEFAULT_PING_INTERVAL, DEFAULT_IDLE_TIMEOUT);

    private final Duration pingInterval;
    private final Duration idleTimeout;

    private KeepAlive(Duration pingInterval, Duration idleTimeout) {
        this.pingInterval = pingInterval;
        this.idleTimeout = idleTimeout;
    }

    /** A ping after 30 s of silence, give up after 90 s: the default on both sides. */
    public static KeepAlive defaults() {
        return DEFAULTS;
    }

    /**
     * A ping after {@code pingInterval} without receiving anything, give up after {@code idleTimeout}.
     *
     * @throws IllegalArgumentException unless {@code 0 < pingInterval < idleTimeout}
     */
    public static KeepAlive of(Duration pingInterval, Duration idleTimeout) {
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("pingInterval: " + pingInterval + " (expected: > 0)");
        }
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > pingInterval " + pingInterval + ")");
        }
        return new KeepAlive(pingInterval, idleTimeout);
    }

    /** How long without receiving anything before a ping is sent. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How long without receiving anything before the connection is given up. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeepAlive k && k.pingInterval.equals(pingInterval) && k.idleTimeout.equals(idleTimeout);
    }

    @Override
    public int hashCode() {
        return 31 * pingInterval.hashCode() + idleTimeout.hashCode();
    }

    @Override
    public String toString() {
        return "KeepAlive[ping " + pingInterval + ", idle " + idleTimeout + "]";
    }
}
