package dev.hardlight.netty;

import dev.hardlight.Authenticator;
import dev.hardlight.HandlerFactory;
import dev.hardlight.TopicListener;
import dev.hardlight.netty.internal.NettyServer;
import dev.hardlight.netty.internal.ServerConfig;
import dev.hardlight.netty.internal.TlsContexts;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures and starts a {@link HardLightServer}; made by {@link HardLight#server}. What it serves
 * (the service and its handlers) is given at {@code HardLight.server}; how it serves is a
 * {@link ServerOptions} value, given whole with {@link #options(ServerOptions)} or setting by setting
 * with the methods here, each documented on {@link ServerOptions.Builder}. TLS is required: call
 * {@link #tls(Tls)}, or {@link #insecurePlaintext()} to go without it explicitly.
 *
 * <p>Not thread-safe; use it from one thread, then {@link #start()}.
 *
 * @param <S> the service interface
 */
public final class ServerBuilder<S> {
    private static final Logger log = LoggerFactory.getLogger(ServerBuilder.class);

    private final ServiceDescriptor<S> service;
    private final HandlerFactory<S> factory;
    private ServerOptions.Builder options = ServerOptions.builder();

    ServerBuilder(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        this.service = Objects.requireNonNull(service, "service");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Replaces every setting made so far with {@code options}; later calls change a copy of them. */
    public ServerBuilder<S> options(ServerOptions options) {
        this.options = Objects.requireNonNull(options, "options").toBuilder();
        return this;
    }

    /** See {@link ServerOptions.Builder#tls(Tls)}. */
    public ServerBuilder<S> tls(Tls tls) {
        options.tls(tls);
        return this;
    }

    /** See {@link ServerOptions.Builder#insecurePlaintext()}. */
    public ServerBuilder<S> insecurePlaintext() {
        options.insecurePlaintext();
        return this;
    }

    /** See {@link ServerOptions.Builder#bind(int)}. */
    public ServerBuilder<S> bind(int port) {
        options.bind(port);
        return this;
    }

    /** See {@link ServerOptions.Builder#bind(String,int)}. */
    public ServerBuilder<S> bind(String host, int port) {
        options.bind(host, port);
        return this;
    }

    /** See {@link ServerOptions.Builder#path(String)}. */
    public ServerBuilder<S> path(String path) {
        options.path(path);
        return this;
    }

    /** See {@link ServerOptions.Builder#maxInFlight(int)}. */
    public ServerBuilder<S> maxInFlight(int maxInFlight) {
        options.maxInFlight(maxInFlight);
        return this;
    }

    /** See {@link ServerOptions.Builder#maxMessageSize(int)}. */
    public ServerBuilder<S> maxMessageSize(int maxMessageSize) {
        options.maxMessageSize(maxMessageSize);
        return this;
    }

    /** See {@link ServerOptions.Builder#handlerExecutor(Executor)}. */
    public ServerBuilder<S> handlerExecutor(Executor executor) {
        options.handlerExecutor(executor);
        return this;
    }

    /** See {@link ServerOptions.Builder#topicListener(TopicListener)}. */
    public ServerBuilder<S> topicListener(TopicListener listener) {
        options.topicListener(listener);
        return this;
    }

    /** See {@link ServerOptions.Builder#slowConsumerPolicy(SlowConsumerPolicy)}. */
    public ServerBuilder<S> slowConsumerPolicy(SlowConsumerPolicy policy) {
        options.slowConsumerPolicy(policy);
        return this;
    }

    /** See {@link ServerOptions.Builder#outboundHighWaterMark(int)}. */
    public ServerBuilder<S> outboundHighWaterMark(int bytes) {
        options.outboundHighWaterMark(bytes);
        return this;
    }

    /** See {@link ServerOptions.Builder#authenticator(Authenticator)}. */
    public ServerBuilder<S> authenticator(Authenticator authenticator) {
        options.authenticator(authenticator);
        return this;
    }

    /** See {@link ServerOptions.Builder#allowedOrigins(String...)}. */
    public ServerBuilder<S> allowedOrigins(String... origins) {
        options.allowedOrigins(origins);
        return this;
    }

    /** See {@link ServerOptions.Builder#allowAnyOrigin()}. */
    public ServerBuilder<S> allowAnyOrigin() {
        options.allowAnyOrigin();
        return this;
    }

    /** See {@link ServerOptions.Builder#handshakeTimeout(Duration)}. */
    public ServerBuilder<S> handshakeTimeout(Duration timeout) {
        options.handshakeTimeout(timeout);
        return this;
    }

    /** See {@link ServerOptions.Builder#maxConnections(int)}. */
    public ServerBuilder<S> maxConnections(int maxConnections) {
        options.maxConnections(maxConnections);
        return this;
    }

    /** See {@link ServerOptions.Builder#maxConnectionsPerAddress(int)}. */
    public ServerBuilder<S> maxConnectionsPerAddress(int maxConnectionsPerAddress) {
        options.maxConnectionsPerAddress(maxConnectionsPerAddress);
        return this;
    }

    /** See {@link ServerOptions.Builder#keepAlive(Duration,Duration)}. */
    public ServerBuilder<S> keepAlive(Duration pingInterval, Duration idleTimeout) {
        options.keepAlive(pingInterval, idleTimeout);
        return this;
    }

    /** See {@link ServerOptions.Builder#drainTimeout(Duration)}. */
    public ServerBuilder<S> drainTimeout(Duration timeout) {
        options.drainTimeout(timeout);
        return this;
    }

    /** See {@link ServerOptions.Builder#compression()}. */
    public ServerBuilder<S> compression() {
        options.compression();
        return this;
    }

    /** See {@link ServerOptions.Builder#compression(int)}. */
    public ServerBuilder<S> compression(int thresholdBytes) {
        options.compression(thresholdBytes);
        return this;
    }

    /** See {@link ServerOptions.Builder#record(Path)}. */
    public ServerBuilder<S> record(Path directory) {
        options.record(directory);
        return this;
    }

    /** See {@link ServerOptions.Builder#record(Path,long,long)}. */
    public ServerBuilder<S> record(Path directory, long maxBytesPerConnection, long maxTotalBytes) {
        options.record(directory, maxBytesPerConnection, maxTotalBytes);
        return this;
    }

    /** See {@link ServerOptions.Builder#recordCredentials(boolean)}. */
    public ServerBuilder<S> recordCredentials(boolean record) {
        options.recordCredentials(record);
        return this;
    }

    /** See {@link ServerOptions.Builder#ioThreads(int)}. */
    public ServerBuilder<S> ioThreads(int threads) {
        options.ioThreads(threads);
        return this;
    }

    /** See {@link ServerOptions.Builder#busyPoll(boolean)}. */
    public ServerBuilder<S> busyPoll(boolean busyPoll) {
        options.busyPoll(busyPoll);
        return this;
    }

    /** See {@link ServerOptions.Builder#observer(RpcObserver)}. */
    public ServerBuilder<S> observer(RpcObserver observer) {
        options.observer(observer);
        return this;
    }

    /** See {@link ServerOptions.Builder#inlineNonBlockingHandlers(boolean)}. */
    public ServerBuilder<S> inlineNonBlockingHandlers(boolean inline) {
        options.inlineNonBlockingHandlers(inline);
        return this;
    }

    /**
     * Binds and starts accepting connections; returns once the port is bound.
     *
     * @throws IllegalStateException if neither {@link #tls(Tls)} nor {@link #insecurePlaintext()} was
     *     called, or the address cannot be bound
     */
    public HardLightServer start() {
        ServerOptions o = options.build();
        if (o.tls() == null && !o.isInsecurePlaintext()) {
            throw new IllegalStateException("no TLS configured: call tls(Tls.selfSigned(\"localhost\")) (or another Tls), "
                    + "or insecurePlaintext() to serve without encryption");
        }
        SslContext ssl = null;
        if (o.tls() != null) {
            ssl = TlsContexts.server(o.tls().material());
        } else {
            log.warn("insecurePlaintext: the HardLight server for {} serves WITHOUT TLS; traffic can be read and changed "
                    + "by anyone on the network path", service.name());
        }
        return new HardLightServer(NettyServer.start(new ServerConfig<>(service, factory, o, ssl)));
    }
}
