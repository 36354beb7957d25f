package dev.hardlight.netty;

import dev.hardlight.EventEmitter;
import dev.hardlight.netty.internal.NettyServer;
import dev.hardlight.netty.internal.ServedService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A running HardLight server, made by {@link ServerBuilder#start()}. Every accepted connection gets
 * its own handler from the handler factory (after the WebSocket upgrade) and its calls run on the
 * handler executor (a virtual thread per call by default). A server may serve several services, each
 * at its path ({@link ServerBuilder#service}); {@link #service(String)} gives one of them.
 *
 * <p>Thread-safe.
 */
public final class HardLightServer implements AutoCloseable {
    private final NettyServer server;

    HardLightServer(NettyServer server) {
        this.server = server;
    }

    /** The port the server listens on (the one picked when bound to port 0). */
    public int port() {
        return server.address().getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * The lowercase hex SHA-256 of the server's leaf certificate, what clients pin with
     * {@link ClientOptions#pinned(String)}; {@code null} for a plaintext server.
     */
    public String tlsFingerprint() {
        return server.config().tlsFingerprint();
    }

    /**
     * Connections refused because the server was at its {@link ServerBuilder#maxConnections(int)
     * connection limit} (or a client at its {@link ServerBuilder#maxConnectionsPerAddress(int)
     * per-address limit}), since the server started.
     */
    public long refusedConnections() {
        return server.refusedConnections();
    }

    /**
     * Upgrade requests answered with an HTTP error (any row of the refusal table in docs/protocol.md
     * §1, the connection limits' 503 included) since the server started. Each is logged at DEBUG.
     */
    public long refusedUpgrades() {
        return server.refusedUpgrades();
    }

    /** Connections closed by the idle timeout (1001) since the server started. Each is logged at DEBUG. */
    public long idleTimeouts() {
        return server.idleTimeouts();
    }

    /** The number of open connections (past the WebSocket upgrade), to all services. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /**
     * The server's event emitter: {@code emit(topic, event)} sends an event to every connection
     * subscribed to {@code topic} (handlers subscribe connections with
     * {@code connection.subscriptions().add(topic)}). The event is encoded once and its bytes shared
     * by all recipients; emit never blocks on a slow connection (see
     * {@link ServerBuilder#slowConsumerPolicy}). Usable from any thread, any number of times; always
     * the same emitter, also the one {@code connection.events(type)} returns.
     *
     * <p>On a server with several services, the emitter of the one service whose events are of
     * {@code type}; where several are, take one's with {@link #service(String)}.
     *
     * @param type the event type the service declares ({@code @Rpc(events = ...)})
     * @throws IllegalStateException if the service declares no events, or events of another type; on
     *     a server with several services, if none or more than one declares events of {@code type}
     */
    public <E> EventEmitter<E> events(Class<E> type) {
        return server.events(type);
    }

    /** The number of topics with at least one subscribed connection, over all services. */
    public int topicCount() {
        int n = 0;
        for (ServedService s : server.services()) {
            n += s.topics().topicCount();
        }
        return n;
    }

    /** The number of subscriptions (connection, topic) over all connections. */
    public long subscriptionCount() {
        long n = 0;
        for (ServedService s : server.services()) {
            n += s.topics().subscriptionCount();
        }
        return n;
    }

    /**
     * The service served at {@code path}: its event emitter, topics and connections.
     *
     * @throws IllegalArgumentException if no service is served at {@code path} (the message lists the paths)
     */
    public Service service(String path) {
        Objects.requireNonNull(path, "path");
        ServedService s = server.service(path);
        if (s == null) {
            List<String> paths = new ArrayList<>();
            for (ServedService each : server.services()) {
                paths.add(each.path());
            }
            throw new IllegalArgumentException("no service at " + path + " (served: " + String.join(", ", paths) + ")");
        }
        return new Service(s);
    }

    /** The services, in the order they were given to the builder (one given at {@code HardLight.server} first). */
    public List<Service> services() {
        List<Service> list = new ArrayList<>();
        for (ServedService s : server.services()) {
            list.add(new Service(s));
        }
        return list;
    }

    /**
     * Events not sent to a connection because it was too slow (its unwritten output was over the
     * {@link ServerBuilder#outboundHighWaterMark(int) high-water mark}), over all connections since the
     * server started: one per event and connection.
     */
    public long droppedEvents() {
        return server.droppedEvents();
    }

    /** For tests in this package: the transport behind. */
    NettyServer transport() {
        return server;
    }

    /**
     * Shuts the server down gracefully: stops accepting connections, sends GO_AWAY
     * ("server shutting down") on every open connection, so that new calls fail with
     * {@code UNAVAILABLE} "server is shutting down: ..." while the calls already in flight run on and
     * their results reach their clients; once no call is in flight, or after the
     * {@link ServerBuilder#drainTimeout(Duration) drain timeout} (10 s by default), closes every
     * connection with 1001 "server shutting down" (handlers still running are interrupted; their calls
     * fail on the client with {@code CONNECTION_LOST}, explaining the shutdown), waits up to about
     * three seconds for the connections to close, then stops the event loops. Blocks until done: at
     * most about the drain timeout plus a few seconds. Idempotent.
     */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "HardLightServer[" + server.address() + "]";
    }

    /**
     * One service of a running server, at its path ({@link HardLightServer#service(String)}).
     *
     * <p>Thread-safe.
     */
    public static final class Service {
        private final ServedService service;

        private Service(ServedService service) {
            this.service = service;
        }

        /** The path the service is served at. */
        public String path() {
            return service.path();
        }

        /** The service's name (its contract's, as in the HELLO). */
        public String name() {
            return service.endpoint().service().name();
        }

        /**
         * This service's event emitter: as {@link HardLightServer#events(Class)}, but only this
         * service's connections subscribed to the topic receive the event (another service's topic of
         * the same name is another topic). The same emitter as {@code connection.events(type)} in this
         * service's handlers.
         *
         * @throws IllegalStateException if the service declares no events, or events of another type
         */
        public <E> EventEmitter<E> events(Class<E> type) {
            return service.events(type);
        }

        /** The number of this service's topics with at least one subscribed connection. */
        public int topicCount() {
            return service.topics().topicCount();
        }

        /** The number of subscriptions (connection, topic) over this service's connections. */
        public long subscriptionCount() {
            return service.topics().subscriptionCount();
        }

        /** The number of open connections to this service (past the WebSocket upgrade). */
        public int connectionCount() {
            return service.connectionCount();
        }

        @Override
        public String toString() {
            return "Service[" + name() + " at " + path() + "]";
        }
    }
}
