package dev.hardlight.netty.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's connection limits: every TCP connection is counted from accept to close, upgraded or
 * still in its handshake (a flood of half-open handshakes costs memory too), in total and per
 * remote address. A connection over a limit is refused: answered with HTTP 503 and the reason at its
 * upgrade, or closed at accept once {@link #MAX_REFUSING} refusals are being answered already (a
 * refusal costs a TLS handshake, so answering them is bounded as well).
 *
 * <p>Thread-safe: the acceptor and the event loops call it concurrently.
 */
final class ConnectionLimits {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

    /** Refused connections being answered (TLS, 503) at once; more are closed at accept. */
    static final int MAX_REFUSING = 256;
    /** A refusal is logged at most this often (the count says how many were not). */
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    /** Open connections per remote address; {@code null} without a per-address limit. */
    private final ConcurrentHashMap<InetAddress, Integer> perAddress;
    private final AtomicInteger refusing = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong refusedSinceLog = new AtomicLong();

    private final int maxHandshakesPerAddress;
    /** Connections in their handshake (accepted, not upgraded) per remote address. */
    private final ConcurrentHashMap<InetAddress, Integer> handshakes = new ConcurrentHashMap<>();

    /** @param maxPerAddress {@link Integer#MAX_VALUE} for no per-address limit */
    ConnectionLimits(int max, int maxPerAddress, int maxHandshakesPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.maxHandshakesPerAddress = maxHandshakesPerAddress;
        this.perAddress = maxPerAddress == Integer.MAX_VALUE ? null : new ConcurrentHashMap<>();
    }

    /**
     * Counts a new connection if the limits allow it.
     *
     * @return {@code null} when admitted (then {@link #release} it once closed), otherwise the
     *     reason of the refusal (the connection is counted as refused, not as open)
     */
    String admit(InetAddress address) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return refused("too many connections: this server accepts at most " + max);
        }
        if (perAddress != null && address != null) {
            boolean[] admitted = new boolean[1];
            perAddress.compute(address, (a, n) -> {
                int count = n == null ? 0 : n;
                if (count >= maxPerAddress) {
                    return n;
                }
                admitted[0] = true;
                return count + 1;
            });
            if (!admitted[0]) {
                open.decrementAndGet();
                return refused("too many connections from " + address.getHostAddress() + ": this server accepts at most "
                        + maxPerAddress + " per address");
            }
        }
        if (address != null) {
            boolean[] admitted = new boolean[1];
            handshakes.compute(address, (a, n) -> {
                int count = n == null ? 0 : n;
                if (count >= maxHandshakesPerAddress) {
                    return n;
                }
                admitted[0] = true;
                return count + 1;
            });
            if (!admitted[0]) {
                if (perAddress != null) {
                    perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
                }
                open.decrementAndGet();
                return refused("too many handshakes in progress from " + address.getHostAddress()
                        + ": this server accepts at most " + maxHandshakesPerAddress + " per address");
            }
        }
        return null;
    }

    /** An admitted connection's handshake ended (upgraded or closed); call once per admitted connection. */
    void handshakeEnded(InetAddress address) {
        if (address != null) {
            handshakes.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Connections in their handshake from this address now. */
    int handshakes(InetAddress address) {
        return handshakes.getOrDefault(address, 0);
    }

    /** An admitted connection closed. */
    void release(InetAddress address) {
        if (perAddress != null && address != null) {
            perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
        open.decrementAndGet();
    }

    /**
     * Starts answering a refusal; {@code false} when too many are being answered already (close the
     * connection at once). Call {@link #refusalDone()} when a started one closes.
     */
    boolean startRefusal() {
        if (refusing.incrementAndGet() > MAX_REFUSING) {
            refusing.decrementAndGet();
            return false;
        }
        return true;
    }

    void refusalDone() {
        refusing.decrementAndGet();
    }

    /** Connections refused since the start. */
    long refused() {
        return refused.sum();
    }

    /** Connections counted against the limit now (TCP accepted and not closed). */
    int open() {
        return open.get();
    }

    private String refused(String reason) {
        refused.increment();
        refusedSinceLog.incrementAndGet();
        long last = lastLog.get();
        long now = System.nanoTime();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            log.warn("refusing connections: {} ({} refused since the last such line; logged at most once a minute)",
                    reason, refusedSinceLog.getAndSet(0));
        }
        return reason;
    }
}
