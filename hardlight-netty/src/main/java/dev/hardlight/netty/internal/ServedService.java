package dev.hardlight.netty.internal;

import dev.hardlight.ClusterBus;
import dev.hardlight.EventEmitter;
import dev.hardlight.TopicListener;
import dev.hardlight.internal.protocol.TopicRegistry;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service of a running server: its {@link Endpoint} (path, handlers, settings), its own topic
 * registry (so events emitted on its topics reach its connections only, whatever the topic bytes), the
 * WebSocket decoder settings of its connections, and the number of its open connections.
 *
 * <p>Thread-safe.
 */
public final class ServedService {
    private static final Logger log = LoggerFactory.getLogger(ServedService.class);

    private final Endpoint<?> endpoint;
    private final TopicRegistry<?> topics;
    private final WebSocketDecoderConfig decoderConfig;
    private final AtomicInteger connections = new AtomicInteger();

    ServedService(Endpoint<?> endpoint, boolean compression) {
        this.endpoint = endpoint;
        this.topics = newTopics(endpoint.service(), endpoint.topicListener(), endpoint.cluster());
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(endpoint.maxMessageSize())
                .allowExtensions(compression) // RSV1 of permessage-deflate
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                // The frame handler sends the close frame: Netty's decoder sends none after a malformed
                // close frame (only an empty write before closing).
                .closeOnProtocolViolation(false)
                .build();
    }

    /** The registry of topics; its topic changes are drained on a new virtual thread per drain. */
    private static <E> TopicRegistry<E> newTopics(ServiceDescriptor<?> service, TopicListener listener,
                                                  ClusterBus cluster) {
        @SuppressWarnings("unchecked")
        EventDescriptor<E> events = (EventDescriptor<E>) service.events();
        return new TopicRegistry<>(events == null ? null : events.codec(), PooledByteBufAllocator.DEFAULT, listener,
                task -> Thread.ofVirtual().name("hl-topics").start(task), cluster, service.name(),
                events == null ? 0 : events.schemaHash());
    }

    public Endpoint<?> endpoint() {
        return endpoint;
    }

    /** The path the service is served at. */
    public String path() {
        return endpoint.path();
    }

    /** This service's topics, subscriptions and event emitter. */
    public TopicRegistry<?> topics() {
        return topics;
    }

    WebSocketDecoderConfig decoderConfig() {
        return decoderConfig;
    }

    /** Open connections to this service (past the upgrade). */
    public int connectionCount() {
        return connections.get();
    }

    void opened() {
        connections.incrementAndGet();
    }

    void closed() {
        connections.decrementAndGet();
    }

    /** Whether this service declares events of exactly {@code type}. */
    public boolean emits(Class<?> type) {
        EventDescriptor<?> events = endpoint.service().events();
        return events != null && events.type() == type;
    }

    /**
     * The service's event emitter, typed.
     *
     * @throws IllegalStateException if the service declares no events, or events of another type
     */
    @SuppressWarnings("unchecked")
    public <E> EventEmitter<E> events(Class<E> type) {
        Objects.requireNonNull(type, "type");
        EventDescriptor<?> events = endpoint.service().events();
        String name = endpoint.service().name();
        if (events == null) {
            throw new IllegalStateException("the service " + name + " declares no events (@Rpc(events = ...))");
        }
        if (events.type() != type) {
            throw new IllegalStateException("the events of " + name + " are " + events.type().getName() + ", not " + type.getName());
        }
        return (EventEmitter<E>) topics;
    }

    /** Closes the cluster bus, if any; a failure is logged. */
    void closeBus() {
        if (topics.bus() != null) {
            try {
                topics.bus().close();
            } catch (RuntimeException e) {
                log.warn("closing the cluster bus of {} failed", endpoint.service().name(), e);
            }
        }
    }

    @Override
    public String toString() {
        return endpoint.service().name() + " at " + endpoint.path();
    }
}
