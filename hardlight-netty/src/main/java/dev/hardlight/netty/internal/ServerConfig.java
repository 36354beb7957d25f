package dev.hardlight.netty.internal;

import dev.hardlight.Authenticator;
import dev.hardlight.HandlerFactory;
import dev.hardlight.TopicListener;
import dev.hardlight.netty.ServerOptions;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a server needs: what it serves, the application's {@link ServerOptions} as they are, and what
 * the transport made of them once (the TLS context, the slow-consumer rule, the origin policy, the
 * keepalive, the recordings, the number of I/O threads).
 *
 * <p>Immutable; thread-safe.
 *
 * @param <S> the service interface
 */
public final class ServerConfig<S> {
    /** I/O threads with busy polling when the application sets no number: one spinning thread. */
    private static final int DEFAULT_BUSY_POLL_IO_THREADS = ServerOptions.DEFAULT_BUSY_POLL_IO_THREADS;

    private final ServiceDescriptor<S> service;
    private final HandlerFactory<S> factory;
    private final ServerOptions options;
    private final SslContext sslContext;
    private final String tlsFingerprint;
    private final SlowConsumer slowConsumer;
    private final OriginPolicy originPolicy;
    private final KeepAlive keepAlive;
    private final ServerRecordings recordings;
    private final StaticFiles staticFiles;

    /** @param sslContext {@code null} for plaintext */
    public ServerConfig(ServiceDescriptor<S> service, HandlerFactory<S> factory, ServerOptions options, SslContext sslContext) {
        this.service = service;
        this.factory = factory;
        this.options = options;
        this.sslContext = sslContext;
        this.tlsFingerprint = options.tls() == null ? null : options.tls().fingerprint();
        this.slowConsumer = new SlowConsumer(options.outboundHighWaterMark(), options.slowConsumerPolicy(), new LongAdder());
        this.originPolicy = options.allowsAnyOrigin() ? OriginPolicy.any() : OriginPolicy.allow(options.allowedOrigins());
        this.keepAlive = new KeepAlive(options.pingInterval(), options.idleTimeout());
        this.recordings = options.recordDirectory() == null ? null : new ServerRecordings(options.recordDirectory(),
                options.recordMaxBytesPerConnection(), options.recordMaxTotalBytes(), options.recordCredentials());
        this.staticFiles = options.staticFiles() == null ? null : StaticFiles.of(options.staticFiles());
    }

    public ServiceDescriptor<S> service() {
        return service;
    }

    public HandlerFactory<S> factory() {
        return factory;
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

    /** Which browser origins may connect. */
    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    /** When to ping a silent connection, and when to close it (1001). */
    public KeepAlive keepAlive() {
        return keepAlive;
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

    public String path() {
        return options.path();
    }

    public int maxInFlight() {
        return options.maxInFlight();
    }

    public int maxMessageSize() {
        return options.maxMessageSize();
    }

    /** {@code null}: a virtual thread per call, owned (and shut down) by the server. */
    public Executor executor() {
        return options.handlerExecutor();
    }

    /** Told of topics created and removed, or {@code null}. */
    public TopicListener topicListener() {
        return options.topicListener();
    }

    /** The cluster bus, or {@code null}: a single node. */
    public dev.hardlight.ClusterBus cluster() {
        return options.cluster();
    }

    /** Decides at the upgrade, or {@code null}: every connection opens with no feature and no principal. */
    public Authenticator authenticator() {
        return options.authenticator();
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

    public java.time.Duration messageReceiveTimeout() {
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
        return options.compressionThreshold();
    }

    public boolean busyPoll() {
        return options.busyPoll();
    }

    /** Whether methods marked {@code @NonBlocking} run on the connection's event loop. */
    public boolean sendErrorDetails() {
        return options.developmentErrorDetails();
    }

    public boolean inlineNonBlocking() {
        return options.inlineNonBlockingHandlers();
    }

    /** The files served for paths other than the endpoint's, or {@code null}: 404. */
    public StaticFiles staticFiles() {
        return staticFiles;
    }

    /** Whether the HELLO leaves out the schema text (extension 4). */
    public boolean hideSchema() {
        return options.hideSchema();
    }
}
