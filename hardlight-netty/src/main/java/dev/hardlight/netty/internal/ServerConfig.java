package dev.hardlight.netty.internal;

import dev.hardlight.netty.KeepAlive;
import dev.hardlight.netty.ServerOptions;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a server needs: what it serves (one or more {@link Endpoint services}, each at its path, with
 * its settings resolved), the application's {@link ServerOptions} as they are, and what the transport
 * made of them once (the TLS context, the slow-consumer rule, the keepalive, the recordings, the
 * number of I/O threads). The options' per-service settings (path, authenticator, origins, limits,
 * topic notifier, cluster bus) are read from the endpoints, not from the options.
 *
 * <p>Immutable; thread-safe.
 */
public final class ServerConfig {
    /** I/O threads with busy polling when the application sets no number: one spinning thread. */
    private static final int DEFAULT_BUSY_POLL_IO_THREADS = ServerOptions.DEFAULT_BUSY_POLL_IO_THREADS;

    /** By path, in the order given. */
    private final Map<String, Endpoint<?>> endpoints;
    private final List<Endpoint<?>> endpointList;
    private final ServerOptions options;
    private final SslContext sslContext;
    private final String tlsFingerprint;
    private final SlowConsumer slowConsumer;
    private final ServerRecordings recordings;
    private final StaticFiles staticFiles;

    /**
     * @param endpoints at least one, at distinct paths
     * @param sslContext {@code null} for plaintext
     * @throws IllegalArgumentException if {@code endpoints} is empty or two share a path
     */
    public ServerConfig(List<Endpoint<?>> endpoints, ServerOptions options, SslContext sslContext) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no service to serve");
        }
        Map<String, Endpoint<?>> byPath = new LinkedHashMap<>();
        for (Endpoint<?> e : endpoints) {
            if (byPath.putIfAbsent(e.path(), e) != null) {
                throw new IllegalArgumentException("two services at " + e.path() + ": " + byPath.get(e.path()).service().name()
                        + " and " + e.service().name());
            }
        }
        this.endpoints = Map.copyOf(byPath);
        this.endpointList = List.copyOf(endpoints);
        this.options = options;
        this.sslContext = sslContext;
        this.tlsFingerprint = options.tls() == null ? null : options.tls().fingerprint();
        this.slowConsumer = new SlowConsumer(options.outboundHighWaterMark(), options.slowConsumerPolicy(), new LongAdder());
        this.recordings = options.recordDirectory() == null ? null : new ServerRecordings(options.recordDirectory(),
                options.recordMaxBytesPerConnection(), options.recordMaxTotalBytes(), options.recordCredentials());
        this.staticFiles = options.staticFiles() == null ? null : StaticFiles.of(options.staticFiles());
    }

    /** The service at {@code path} (the request's path, without its query), or {@code null}. */
    public Endpoint<?> endpoint(String path) {
        return endpoints.get(path);
    }

    /** Every service, in the order given. */
    public List<Endpoint<?>> endpoints() {
        return endpointList;
    }

    /** The largest message any service accepts (what permessage-deflate may inflate before the route is known). */
    public int largestMaxMessageSize() {
        int max = 0;
        for (Endpoint<?> e : endpointList) {
            max = Math.max(max, e.maxMessageSize());
        }
        return max;
    }

    public ServerOptions options() {
        return options;
    }

    /** {@code null} for plaintext. */
    public SslContext sslContext() {
        return sslContext;
    }

    /** The leaf certificate's SHA-256 (hex), or {@code null} for plaintext. */
    public String tlsFingerprint() {
        return tlsFingerprint;
    }

    /** The per-connection event limit and what happens beyond it. */
    public SlowConsumer slowConsumer() {
        return slowConsumer;
    }

    /** When to ping a silent connection, and when to close it (1001). */
    public KeepAlive keepAlive() {
        return options.keepAlive();
    }

    /** Where and how much to record of each connection, or {@code null} for nothing. */
    public ServerRecordings recordings() {
        return recordings;
    }

    /** Event loops for the connections; 0: Netty's default (twice the available processors). */
    public int ioThreads() {
        return options.ioThreads() > 0 ? options.ioThreads() : options.busyPoll() ? DEFAULT_BUSY_POLL_IO_THREADS : 0;
    }

    /** {@code null} to bind every interface. */
    public String host() {
        return options.host();
    }

    public int port() {
        return options.port();
    }

    /** {@code null}: a virtual thread per call, owned (and shut down) by the server. */
    public Executor executor() {
        return options.handlerExecutor();
    }

    /** Time from TCP accept to a complete upgrade: TLS, HTTP and the authenticator. */
    public Duration handshakeTimeout() {
        return options.handshakeTimeout();
    }

    public int maxConnections() {
        return options.maxConnections();
    }

    /** {@link Integer#MAX_VALUE}: no limit. */
    public int maxConnectionsPerAddress() {
        return options.maxConnectionsPerAddress();
    }

    public Duration messageReceiveTimeout() {
        return options.messageReceiveTimeout();
    }

    public long partialMessageBudget() {
        return options.partialMessageBudget();
    }

    public int maxHandshakesPerAddress() {
        return options.maxHandshakesPerAddress();
    }

    public Duration drainTimeout() {
        return options.drainTimeout();
    }

    /** permessage-deflate: the smallest message compressed; -1: compression off. */
    public int compressionThreshold() {
        return options.compression().thresholdBytes();
    }

    public boolean busyPoll() {
        return options.busyPoll();
    }

    /** Whether methods marked {@code @NonBlocking} run on the connection's event loop. */
    public boolean inlineNonBlocking() {
        return options.inlineNonBlockingHandlers();
    }

    /** The files served for paths other than the endpoint's, or {@code null}: 404. */
    public StaticFiles staticFiles() {
        return staticFiles;
    }
}
