package dev.hardlight.stream;

import dev.hardlight.stream.internal.EndpointSlot;
import dev.hardlight.stream.internal.ReadinessSelector;
import dev.hardlight.stream.internal.ResolverPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

/**
 * Keeps a set of {@link Endpoint}s connected and polls them all from the caller's thread. {@link #poll()}
 * never blocks: it reads and decodes what the connections have (through the {@link SelectorKind selector}),
 * and moves each endpoint's connection along: DNS resolution (on resolver threads, with a timeout),
 * connect, TLS, upgrade, reconnection after a drop (after a back-off, if the endpoint's
 * {@link Endpoint#canReconnect hook} agrees), and recreation after the endpoint's time to live.
 *
 * <pre>{@code
 * IoService<Book> io = IoService.builder(book).selector(SelectorKind.BUSY_POLL).build();
 * io.register(new Trades(URI.create("wss://feed.example/ws"), "BTC"));
 * io.register(new Trades(URI.create("wss://feed.example/ws"), "ETH"));
 * IdleStrategy idle = new BackoffIdleStrategy();
 * while (running) {
 *     idle.idle(io.poll());
 * }
 * }</pre>
 *
 * <p>An IoService is an Agrona {@link Agent} ({@link #doWork()} is {@link #poll()}), so an
 * {@link org.agrona.concurrent.AgentRunner} with any {@link IdleStrategy} can run it on a thread of its own.
 * Idle strategies: Agrona's {@code BusySpinIdleStrategy} (lowest latency, a whole core),
 * {@code YieldingIdleStrategy}, {@code BackoffIdleStrategy} (spin, yield, then park), and
 * {@code SleepingIdleStrategy}.
 *
 * <p>Limits: at most {@link Builder#maxPendingConnects} endpoints are resolving or connecting at once
 * (the others wait their turn); a resolution slower than {@link Builder#dnsTimeout} fails the attempt; a
 * connection not open within {@link Builder#connectTimeout} fails it; reconnection waits
 * {@link Builder#reconnectBackoff} (doubling per failed attempt up to the maximum, reset once a connection
 * opens).
 *
 * <p>Not thread-safe: one thread registers, polls and closes. Steady-state polling allocates nothing
 * (plain TCP; see {@link WebSocket} about TLS).
 */
public final class IoService<C> implements Agent, AutoCloseable {

    private final C context;
    private final ReadinessSelector selector;
    private final ResolverPool resolver;
    private final long dnsTimeoutNanos;
    private final long connectTimeoutNanos;
    private final int maxPendingConnects;
    private final long backoffMinNanos;
    private final long backoffMaxNanos;
    @SuppressWarnings({"unchecked", "rawtypes"})
    private EndpointSlot<C>[] slots = new EndpointSlot[8];
    private int count;
    private boolean closed;

    private IoService(Builder<C> b) {
        this.context = b.context;
        try {
            this.selector = ReadinessSelector.create(b.selector);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.resolver = new ResolverPool(b.resolver, b.maxPendingConnects);
        this.dnsTimeoutNanos = b.dnsTimeout.toNanos();
        this.connectTimeoutNanos = b.connectTimeout.toNanos();
        this.maxPendingConnects = b.maxPendingConnects;
        this.backoffMinNanos = b.backoffMin.toNanos();
        this.backoffMaxNanos = b.backoffMax.toNanos();
    }

    /** A builder of a service whose endpoints share {@code context} (any object; passed to every callback). */
    public static <C> Builder<C> builder(C context) {
        return new Builder<>(Objects.requireNonNull(context, "context"));
    }

    /** The user context. */
    public C context() {
        return context;
    }

    /**
     * Adds an endpoint (from the polling thread; a callback may call it too); its first connection starts at the next polls (subject to the pending-connect
     * limit). The same endpoint object may be registered once.
     *
     * @throws IllegalStateException if the service is closed or the endpoint is already registered
     */
    public void register(Endpoint<C> endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (closed) {
            throw new IllegalStateException("the service is closed");
        }
        for (int i = 0; i < count; i++) {
            if (slots[i].endpoint() == endpoint) {
                throw new IllegalStateException("endpoint already registered: " + endpoint.uri());
            }
        }
        if (count == slots.length) {
            slots = Arrays.copyOf(slots, count * 2);
        }
        slots[count++] = new EndpointSlot<>(endpoint, context, selector, resolver, System.nanoTime());
    }

    /** Removes an endpoint, closing its connection (a close handshake is started, not waited for). */
    public void deregister(Endpoint<C> endpoint) {
        for (int i = 0; i < count; i++) {
            if (slots[i].endpoint() == endpoint) {
                EndpointSlot<C> slot = slots[i];
                slot.stop();
                remove(slot);
                return;
            }
        }
    }

    private void remove(EndpointSlot<C> slot) {
        for (int i = 0; i < count; i++) {
            if (slots[i] == slot) {
                System.arraycopy(slots, i + 1, slots, i, count - i - 1);
                slots[--count] = null;
                return;
            }
        }
    }

    /** The number of endpoints registered. */
    public int endpoints() {
        return count;
    }

    /** The connection of {@code endpoint} while it has one that is open, else {@code null}. */
    public WebSocket connection(Endpoint<C> endpoint) {
        for (int i = 0; i < count; i++) {
            if (slots[i].endpoint() == endpoint) {
                return slots[i].openConnection();
            }
        }
        return null;
    }

    /**
     * Does one round of work without blocking: polls the connections, then advances resolutions, connects,
     * timeouts, time-to-live recreation and reconnection.
     *
     * @return the work done (0 if there was nothing), for an {@link IdleStrategy}
     */
    public int poll() {
        if (closed) {
            return 0;
        }
        int work;
        try {
            work = selector.poll();
        } catch (IOException e) {
            throw new UncheckedIOException("the selector failed", e);
        }
        long now = System.nanoTime();
        int pending = 0;
        for (int i = 0; i < count; i++) {
            if (slots[i].isPending()) {
                pending++;
            }
        }
        // walk from the end: a callback run by advance (canReconnect) may deregister endpoints
        for (int i = count - 1; i >= 0; i--) {
            if (i >= count) {
                continue;
            }
            EndpointSlot<C> slot = slots[i];
            work += slot.advance(now, pending < maxPendingConnects, dnsTimeoutNanos, connectTimeoutNanos,
                    backoffMinNanos, backoffMaxNanos);
            if (slot.startedConnecting()) {
                pending++;
            }
            if (slot.isStopped()) {
                remove(slot);
            }
        }
        return work;
    }

    /** Polls with {@code idle} between rounds until {@code stop} says so, on the calling thread. */
    public void run(IdleStrategy idle, BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            idle.idle(poll());
        }
    }

    @Override
    public int doWork() {
        return poll();
    }

    @Override
    public String roleName() {
        return "hardlight-stream-io";
    }

    /** Closes every connection (without waiting for close handshakes), the selector and the resolver threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < count; i++) {
            slots[i].stop();
            slots[i] = null;
        }
        count = 0;
        selector.close();
        resolver.close();
    }

    @Override
    public void onClose() {
        close();
    }

    /** Builds an {@link IoService}. Not thread-safe. */
    public static final class Builder<C> {
        private final C context;
        private SelectorKind selector = SelectorKind.NIO;
        private HostResolver resolver = InetAddress::getByName;
        private Duration dnsTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxPendingConnects = 4;
        private Duration backoffMin = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(10);

        private Builder(C context) {
            this.context = context;
        }

        /** The selector (default {@link SelectorKind#NIO}). */
        public Builder<C> selector(SelectorKind selector) {
            this.selector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** The host resolver, called on resolver threads (default {@link InetAddress#getByName}). */
        public Builder<C> resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** How long a resolution may take before the attempt fails with DNS_TIMEOUT (default 5 s). */
        public Builder<C> dnsTimeout(Duration timeout) {
            this.dnsTimeout = positive(timeout, "dnsTimeout");
            return this;
        }

        /** How long TCP connect, TLS handshake and upgrade may take together (default 10 s). */
        public Builder<C> connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How many endpoints may be resolving or connecting at once, 1 .. 1024 (default 4). */
        public Builder<C> maxPendingConnects(int max) {
            if (max < 1 || max > 1024) {
                throw new IllegalArgumentException("maxPendingConnects: " + max + " (expected: 1 .. 1024)");
            }
            this.maxPendingConnects = max;
            return this;
        }

        /** The wait before reconnecting: {@code min} after the first failure, doubling up to {@code max} (default 100 ms .. 10 s). */
        public Builder<C> reconnectBackoff(Duration min, Duration max) {
            positive(min, "min");
            positive(max, "max");
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnectBackoff: " + min + " .. " + max + " (expected: min <= max)");
            }
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }

        /** The service. */
        public IoService<C> build() {
            return new IoService<>(this);
        }
    }
}
