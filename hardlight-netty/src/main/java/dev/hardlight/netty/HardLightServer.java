package dev.hardlight.netty;

import dev.hardlight.EventEmitter;
import dev.hardlight.netty.internal.NettyServer;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A running HardLight server, made by {@link ServerBuilder#start()}. Every accepted connection gets
 * its own handler from the handler factory (after the WebSocket upgrade) and its calls run on the
 * handler executor (a virtual thread per call by default).
 *
 * <p>Thread-safe.
 */
public final class HardLightServer implements AutoCloseable {
    private final NettyServer<?> server;

    HardLightServer(NettyServer<?> server) {
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

    /** The number of open connections (past the WebSocket upgrade). */
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
     * @param type the event type the service declares ({@code @Rpc(events = ...)})
     * @throws IllegalStateException if the service declares no events, or events of another type
     */
    public <E> EventEmitter<E> events(Class<E> type) {
        return server.events(type);
    }

    /** The number of topics with at least one subscribed connection. */
    public int topicCount() {
        return server.topics().topicCount();
    }

    /** The number of subscriptions (connection, topic) over all connections. */
    public long subscriptionCount() {
        return server.topics().subscriptionCount();
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
    NettyServer<?> transport() {
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
}
