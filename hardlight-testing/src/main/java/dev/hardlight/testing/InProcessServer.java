package dev.hardlight.testing;

import dev.hardlight.CloseReason;
import dev.hardlight.HandlerFactory;
import dev.hardlight.internal.protocol.TopicRegistry;
import dev.hardlight.service.ClientFactory;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.Services;
import dev.hardlight.testing.internal.InProcessLink;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server for tests that runs in this process without sockets, TLS or WebSocket: each
 * {@link #connect client} it makes is joined to its own server session in memory, through the same
 * protocol sessions as the network transport. Calls, results, declared and remote errors, the synced
 * state, events and topics, features, deadlines and cancels behave as over a socket; what needs a
 * network (TLS, the upgrade, its authenticator, keepalive, compression, reconnecting, recording) is
 * not there. Handlers run on virtual threads; each connection has one thread that hands frames between
 * its two sessions, in order.
 *
 * <pre>{@code
 * try (InProcessServer<Counter> server = InProcessServer.serve(Counter.class, conn -> new CounterHandler(conn));
 *      CounterClient client = server.connect(CounterClient.FACTORY)) {
 *     assertThat(client.increment(1)).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing the server closes every connection it made (the server sessions see
 * {@code SERVER_SHUTDOWN}, pending calls fail with {@code CONNECTION_LOST}).
 *
 * @param <S> the {@code @Rpc} interface
 */
public final class InProcessServer<S> implements AutoCloseable {
    private final ServiceDescriptor<S> service;
    private final HandlerFactory<S> factory;
    private final TopicRegistry<?> topics;
    private final Executor handlers = task -> Thread.ofVirtual().name("hl-in-process-handler").start(task);
    private final Set<InProcessLink> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    private InProcessServer(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        this.service = Objects.requireNonNull(service, "service");
        this.factory = Objects.requireNonNull(factory, "factory");
        EventDescriptor<?> events = service.events();
        this.topics = new TopicRegistry<>(events == null ? null : events.codec(), UnpooledByteBufAllocator.DEFAULT, null,
                task -> Thread.ofVirtual().name("hl-in-process-topics").start(task), null, service.name(),
                events == null ? 0 : events.schemaHash());
    }

    /**
     * An in-process server of the {@code @Rpc} interface {@code service} (its generated descriptor is
     * found as {@code HardLight.server} finds it).
     *
     * @param factory makes one handler per connection, when the client connects (on the connecting thread)
     * @throws dev.hardlight.RpcException FAILED_PRECONDITION if no generated descriptor exists
     */
    public static <S> InProcessServer<S> serve(Class<S> service, HandlerFactory<S> factory) {
        return new InProcessServer<>(Services.descriptor(Objects.requireNonNull(service, "service")), factory);
    }

    /** An in-process server of a service descriptor (generated, or written by hand). */
    public static <S> InProcessServer<S> serve(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        return new InProcessServer<>(service, factory);
    }

    /**
     * Connects a new client, e.g. {@code server.connect(CounterClient.FACTORY)}; returns once the
     * server's hello has been handled, as {@code HardLight.connect} does.
     *
     * @throws IllegalArgumentException when the factory's client is of another service
     * @throws IllegalStateException when the server is closed
     * @throws RuntimeException what the handler factory throws (the connection is refused)
     */
    public <C> C connect(ClientFactory<C> client) {
        return connect(client, null);
    }

    /** {@link #connect(ClientFactory)} with a default deadline for every call that names none ({@code null}: none). */
    public <C> C connect(ClientFactory<C> client, Duration defaultDeadline) {
        Objects.requireNonNull(client, "client");
        if (!client.service().name().equals(service.name())
                || !Arrays.equals(client.service().fingerprint(), service.fingerprint())) {
            throw new IllegalArgumentException("a client of " + client.service().name() + " cannot connect to this "
                    + service.name() + " server (the contracts differ)");
        }
        if (closed) {
            throw new IllegalStateException("the in-process " + service.name() + " server is closed");
        }
        InProcessLink link = InProcessLink.open(service, factory, topics, ids.incrementAndGet(), handlers, defaultDeadline,
                links::remove);
        links.add(link);
        if (closed || !link.isOpen()) {
            links.remove(link);
            link.close();
            throw new IllegalStateException("the in-process " + service.name() + " server is closed");
        }
        try {
            return client.create(link);
        } catch (RuntimeException | Error e) {
            link.close();
            throw e;
        }
    }

    /** The connections open now. */
    public int connectionCount() {
        return links.size();
    }

    /** Closes every connection this server made; new connections are refused. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (InProcessLink link : links) {
            link.closeFromServer(new CloseReason(CloseReason.Kind.SERVER_SHUTDOWN, "1001 the server is shutting down"));
        }
        links.clear();
    }

    @Override
    public String toString() {
        return "InProcessServer[" + service.name() + ", " + links.size() + " connections]";
    }
}
