package dev.hardlight.micrometer;

import dev.hardlight.Nullable;
import dev.hardlight.Status;
import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.RpcObserver;
import dev.hardlight.netty.SlowConsumerPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HardLight's server and client metrics in a Micrometer registry. Make one per registry, then give
 * its observers to the servers and clients to measure:
 *
 * <pre>{@code
 * HardLightMetrics metrics = new HardLightMetrics(registry);
 * HardLight.server(Counter.class, CounterHandler::new).observer(metrics.server())...start();
 * HardLight.connect(uri, ClientOptions.builder().pinned(fp).observer(metrics.client()).build(), CounterClient.FACTORY);
 * }</pre>
 *
 * <p>Meters (every one tagged {@code rpc.system=hardlight}, plus the tags given to the constructor);
 * names follow the OpenTelemetry RPC semantic conventions where one exists:
 * <ul>
 *   <li>{@code rpc.server.call.duration}, {@code rpc.client.call.duration}: timers (with a percentile
 *       histogram) of completed calls, tagged {@code rpc.service}, {@code rpc.method} and
 *       {@code rpc.response.status_code} (the {@link Status} name, {@code OK} for a result). Their counts
 *       are the completed calls.</li>
 *   <li>{@code hardlight.server.calls.started}, {@code hardlight.client.calls.started}: counters tagged
 *       {@code rpc.service} and {@code rpc.method}.</li>
 *   <li>{@code hardlight.server.calls.active}, {@code hardlight.client.calls.active}: gauges of the calls
 *       in flight.</li>
 *   <li>{@code hardlight.server.connections.open}, {@code hardlight.client.connections.open}: gauges.</li>
 *   <li>{@code hardlight.server.upgrades.refused}: a counter tagged {@code http.response.status_code}.</li>
 *   <li>{@code hardlight.server.events.sent}: events queued to connections (one per connection an event
 *       goes to); {@code hardlight.server.events.dropped}: events a connection did not get because of
 *       the slow-consumer policy, tagged {@code hardlight.slow_consumer.policy} ({@code drop_events}, or
 *       {@code disconnect}: then each count is a connection closed for being slow).</li>
 *   <li>{@code hardlight.client.events.received}.</li>
 *   <li>{@code hardlight.server.bytes.received}, {@code hardlight.server.bytes.sent} and the client's:
 *       WebSocket message bytes (before compression).</li>
 *   <li>{@code hardlight.client.reconnects}: connections replaced after a loss or ageing;
 *       {@code hardlight.client.connect.failures}: connection attempts that failed (the first
 *       connect's, and each failed reconnect attempt).</li>
 * </ul>
 *
 * <p>Cost: nothing where no observer is set; with one, a lock per connection and a few map lookups
 * and counter increments per call. Thread-safe.
 */
public final class HardLightMetrics {
    private final MeterRegistry registry;
    private final Tags common;
    private final Side server;
    private final Side client;

    /** Metrics in {@code registry}, each tagged {@code rpc.system=hardlight}. One per registry. */
    public HardLightMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Metrics in {@code registry} with {@code extraTags} on every meter (e.g. the service's
     * deployment). One per registry and set of tags: a second one with the same tags shares the counters
     * but not the gauges.
     */
    public HardLightMetrics(MeterRegistry registry, Iterable<Tag> extraTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.common = Tags.of("rpc.system", "hardlight").and(extraTags);
        this.server = new Side("server");
        this.client = new Side("client");
    }

    /** The observer to give to servers ({@code ServerOptions.Builder.observer}); one may serve many servers. */
    public RpcObserver server() {
        return new ServerObserver();
    }

    /**
     * A new observer for one client ({@code ClientOptions.Builder.observer}). Give each client its own:
     * telling a failed attempt from a lost connection reads the client's previous connection event.
     */
    public RpcObserver client() {
        return new ClientObserver();
    }

    private record MethodKey(String service, String method) {}

    private record CallKey(String service, String method, Status status) {}

    /** The meters of one side, shared by its observers. */
    private final class Side {
        final String side;
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        final Map<MethodKey, Counter> started = new ConcurrentHashMap<>();
        final Map<CallKey, Timer> durations = new ConcurrentHashMap<>();
        final Counter bytesIn;
        final Counter bytesOut;

        Side(String side) {
            this.side = side;
            Gauge.builder("hardlight." + side + ".calls.active", active, AtomicInteger::get)
                    .tags(common).description("calls in flight").register(registry);
            Gauge.builder("hardlight." + side + ".connections.open", connections, AtomicInteger::get)
                    .tags(common).description("connections open").register(registry);
            bytesIn = Counter.builder("hardlight." + side + ".bytes.received").baseUnit("bytes").tags(common)
                    .description("WebSocket message bytes received").register(registry);
            bytesOut = Counter.builder("hardlight." + side + ".bytes.sent").baseUnit("bytes").tags(common)
                    .description("WebSocket message bytes sent").register(registry);
        }

        void started(String service, String method) {
            active.incrementAndGet();
            started.computeIfAbsent(new MethodKey(service, method), k -> Counter.builder("hardlight." + side + ".calls.started")
                    .tags(common).tag("rpc.service", k.service()).tag("rpc.method", k.method())
                    .description("calls started").register(registry)).increment();
        }

        void completed(String service, String method, Status status, long nanos) {
            active.decrementAndGet();
            durations.computeIfAbsent(new CallKey(service, method, status), k -> Timer.builder("rpc." + side + ".call.duration")
                    .tags(common).tag("rpc.service", k.service()).tag("rpc.method", k.method())
                    .tag("rpc.response.status_code", k.status().name())
                    .description("duration of completed calls").publishPercentileHistogram()
                    .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        }

        Counter counter(String name, String description, String... tags) {
            return Counter.builder(name).tags(common).tags(tags).description(description).register(registry);
        }
    }

    /** The shared behaviour of both sides. */
    private abstract class SideObserver implements RpcObserver {
        final Side side;

        SideObserver(Side side) {
            this.side = side;
        }

        @Override
        public void connectionOpened() {
            side.connections.incrementAndGet();
        }

        @Override
        public void connectionClosed() {
            side.connections.decrementAndGet();
        }

        @Override
        public @Nullable Object callStarted(String service, String method) {
            side.started(service, method);
            return null;
        }

        @Override
        public void callCompleted(@Nullable Object context, String service, String method, Status status, long durationNanos) {
            side.completed(service, method, status, durationNanos);
        }

        @Override
        public void bytesReceived(int bytes) {
            side.bytesIn.increment(bytes);
        }

        @Override
        public void bytesSent(int bytes) {
            side.bytesOut.increment(bytes);
        }
    }

    private final class ServerObserver extends SideObserver {
        private final Counter eventsSent = server.counter("hardlight.server.events.sent", "events queued to connections");

        ServerObserver() {
            super(server);
        }

        @Override
        public void upgradeRefused(int httpStatus, String reason) {
            server.counter("hardlight.server.upgrades.refused", "WebSocket upgrades refused",
                    "http.response.status_code", Integer.toString(httpStatus)).increment();
        }

        @Override
        public void eventSent() {
            eventsSent.increment();
        }

        @Override
        public void eventDropped(SlowConsumerPolicy policy) {
            server.counter("hardlight.server.events.dropped", "events not queued because of the slow-consumer policy",
                    "hardlight.slow_consumer.policy", policy.name().toLowerCase(Locale.ROOT)).increment();
        }
    }

    private final class ClientObserver extends SideObserver {
        private final Counter eventsReceived = client.counter("hardlight.client.events.received", "events received");
        private final Counter reconnects = client.counter("hardlight.client.reconnects", "connections replaced");
        private final Counter failures = client.counter("hardlight.client.connect.failures", "connection attempts that failed");
        /** The previous connection event of this client. */
        private volatile ConnectionEvent last;

        ClientObserver() {
            super(client);
        }

        @Override
        public void eventReceived() {
            eventsReceived.increment();
        }

        @Override
        public void connectionChanged(ConnectionEvent event) {
            ConnectionEvent before = last;
            last = event;
            switch (event) {
                case ConnectionEvent.Connected c when c.reconnected() -> reconnects.increment();
                // A new attempt after an attempt: the one before failed.
                case ConnectionEvent.Reconnecting r when before instanceof ConnectionEvent.Reconnecting -> failures.increment();
                // Giving up while connecting: the last attempt failed.
                case ConnectionEvent.Closed c when c.reason() != null
                        && (before instanceof ConnectionEvent.Connecting || before instanceof ConnectionEvent.Reconnecting) ->
                        failures.increment();
                default -> {
                }
            }
        }
    }
}
