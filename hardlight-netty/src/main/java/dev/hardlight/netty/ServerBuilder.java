package dev.hardlight.netty;

import dev.hardlight.Authenticator;
import dev.hardlight.ClusterBus;
import dev.hardlight.HandlerFactory;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.TopicListener;
import dev.hardlight.netty.internal.Endpoint;
import dev.hardlight.netty.internal.NettyServer;
import dev.hardlight.netty.internal.OriginPolicy;
import dev.hardlight.netty.internal.ServerConfig;
import dev.hardlight.netty.internal.TlsContexts;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.Services;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures and starts a {@link HardLightServer}; made by {@link HardLight#server}. What it serves
 * (the service and its handlers) is given at {@code HardLight.server}; how it serves is a
 * {@link ServerOptions} value, given whole with {@link #options(ServerOptions)} or setting by setting
 * with the methods here, each documented on {@link ServerOptions.Builder}. TLS is required: call
 * {@link #tls(Tls)}, or {@link #insecurePlaintext()} to go without it explicitly.
 *
 * <p>One server can serve several services on its port, each at its own path:
 * {@link #service(String, Class, HandlerFactory, Consumer)} adds one, beside the service given at
 * {@code HardLight.server(Class, factory)} (served at {@link #path(String)}) or, with
 * {@link HardLight#server()}, instead of it. Each service has its own handlers, topics and events,
 * and may have its own authenticator, origin policy and limits ({@link ServiceOptions}); the rest is
 * the server's and shared: the port, TLS, event loops, the handler executor, the connection limits, the
 * handshake timeout, keepalive, compression, static files, recordings and the graceful shutdown.
 *
 * <p>Not thread-safe; use it from one thread, then {@link #start()}.
 *
 * @param <S> the service interface given at {@code HardLight.server}, or {@link Void} for a server made
 *     with {@link HardLight#server()}
 */
public final class ServerBuilder<S> {
    private static final Logger log = LoggerFactory.getLogger(ServerBuilder.class);

    /** The service given at {@code HardLight.server}, or {@code null} (then {@link #factory} is too). */
    private final ServiceDescriptor<S> service;
    private final HandlerFactory<S> factory;
    private ServerOptions.Builder options = ServerOptions.builder();
    /** The services added with {@link #service}, in order. */
    private final List<Added<?>> added = new ArrayList<>();

    private record Added<T>(String path, ServiceDescriptor<T> service, HandlerFactory<T> factory, ServiceOptions options) {}

    ServerBuilder(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        this.service = Objects.requireNonNull(service, "service");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** A builder with no service of its own: {@link HardLight#server()}. */
    private ServerBuilder() {
        this.service = null;
        this.factory = null;
    }

    static ServerBuilder<Void> withoutService() {
        return new ServerBuilder<>();
    }

    /**
     * Serves {@code contract} at {@code path} too, with the server's settings: see
     * {@link #service(String, ServiceDescriptor, HandlerFactory, Consumer)}.
     */
    public <T> ServerBuilder<S> service(String path, Class<T> contract, HandlerFactory<T> factory) {
        return service(path, contract, factory, s -> {});
    }

    /**
     * Serves the {@code @Rpc} interface {@code contract} at {@code path} too, with settings of its own:
     * see {@link #service(String, ServiceDescriptor, HandlerFactory, Consumer)}.
     *
     * @throws dev.hardlight.RpcException FAILED_PRECONDITION if no generated descriptor exists
     */
    public <T> ServerBuilder<S> service(String path, Class<T> contract, HandlerFactory<T> factory,
                                        Consumer<ServiceOptions.Builder> configure) {
        Objects.requireNonNull(contract, "contract");
        return service(path, Services.descriptor(contract), factory, configure);
    }

    /**
     * Serves {@code service} at {@code path} on this server's port, beside its other services. A
     * client connects to it with the URI's path ({@code wss://host:port/chat}); nothing else changes
     * for the client. The service has:
     *
     * <ul>
     *   <li>its own handlers ({@code factory}, one per connection) and its own topics: an event emitted
     *       on a topic of one service reaches only that service's connections, even where another
     *       service has a topic of the same name;
     *   <li>the settings {@code configure} gives ({@link ServiceOptions.Builder}): its authenticator
     *       (so its features and principals), origin policy, {@code maxInFlight},
     *       {@code maxMessageSize}, {@code hideSchema}, {@code developmentErrorDetails}; those not given
     *       are this builder's, whenever they are set (before or after this call); and its topic
     *       notifier and cluster bus, never taken from this builder;
     *   <li>everything else in common with the other services: the port, TLS, event loops, handler
     *       executor, connection limits (counted over all services), handshake timeout, keepalive,
     *       compression, slow-consumer policy, observer, recordings and the graceful shutdown (one
     *       GO_AWAY per connection, one drain for the whole server).
     * </ul>
     *
     * <p>A request for a path that no service has is answered 404 (or from the
     * {@link #staticFiles(Path) static files}, if any).
     *
     * @param path the exact path (query strings are ignored), starting with '/'
     * @throws IllegalArgumentException if the path does not start with '/' or another service added
     *     here has it (one given at {@code HardLight.server} at the same path fails at {@link #start()})
     */
    public <T> ServerBuilder<S> service(String path, ServiceDescriptor<T> service, HandlerFactory<T> factory,
                                        Consumer<ServiceOptions.Builder> configure) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(configure, "configure");
        ServerOptions.builder().path(path); // the same check, the same message
        for (Added<?> a : added) {
            if (a.path().equals(path)) {
                throw new IllegalArgumentException("path: " + path + " already serves " + a.service().name());
            }
        }
        ServiceOptions.Builder b = ServiceOptions.builder();
        configure.accept(b);
        added.add(new Added<>(path, service, factory, b.build()));
        return this;
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

    /** See {@link ServerOptions.Builder#cluster(ClusterBus)}. */
    public ServerBuilder<S> cluster(ClusterBus bus) {
        options.cluster(bus);
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

    /** See {@link ServerOptions.Builder#messageReceiveTimeout(Duration)}. */
    public ServerBuilder<S> messageReceiveTimeout(Duration timeout) {
        options.messageReceiveTimeout(timeout);
        return this;
    }

    /** See {@link ServerOptions.Builder#partialMessageBudget(long)}. */
    public ServerBuilder<S> partialMessageBudget(long bytes) {
        options.partialMessageBudget(bytes);
        return this;
    }

    /** See {@link ServerOptions.Builder#maxHandshakesPerAddress(int)}. */
    public ServerBuilder<S> maxHandshakesPerAddress(int maxHandshakesPerAddress) {
        options.maxHandshakesPerAddress(maxHandshakesPerAddress);
        return this;
    }

    /** See {@link ServerOptions.Builder#keepAlive(KeepAlive)}. */
    public ServerBuilder<S> keepAlive(KeepAlive keepAlive) {
        options.keepAlive(keepAlive);
        return this;
    }

    /** See {@link ServerOptions.Builder#drainTimeout(Duration)}. */
    public ServerBuilder<S> drainTimeout(Duration timeout) {
        options.drainTimeout(timeout);
        return this;
    }

    /** See {@link ServerOptions.Builder#compression(Compression)}. */
    public ServerBuilder<S> compression(Compression compression) {
        options.compression(compression);
        return this;
    }

    /**
     * Serves the files under {@code directory} on the same port, for every path other than the
     * HardLight endpoint's {@link #path(String) path} (with several services, every path with no
     * service): a convenience for development and small deployments, so that a browser page and the
     * endpoint it connects to share one origin (which the default
     * {@link #allowedOrigins(String...) origin check} allows). The endpoint's path keeps its rules (a
     * WebSocket upgrade or a refusal); other paths are answered from the directory instead of with 404:
     *
     * <ul>
     *   <li>GET and HEAD only; another method gets 405 with {@code Allow: GET, HEAD}.
     *   <li>A path naming a directory serves its {@code index.html} (a path without the trailing '/' is
     *       redirected to it); there are no directory listings.
     *   <li>The content type follows the file's extension (html, js, mjs, css, json, map, svg, png,
     *       jpg, ico, wasm, txt, woff2; {@code application/octet-stream} otherwise), always with
     *       {@code X-Content-Type-Options: nosniff}; answers carry an {@code ETag} and a
     *       {@code Last-Modified} and a conditional request is answered 304 when the file is unchanged
     *       ({@code Cache-Control: no-cache}, so browsers revalidate each time).
     *   <li>Nothing outside the directory is reachable: a path with a {@code ..} or {@code .} segment,
     *       an empty segment, an escaped '/' or '\', a '\' or ':', a control character (NUL
     *       included), a malformed escape or one that is not UTF-8 is refused (400) or not found
     *       (404); a symbolic link is followed only if its target lies inside the directory (real
     *       paths are compared); files and directories whose name starts with '.' are not served. A
     *       request path is at most 1024 bytes (414 beyond).
     *   <li>A file is streamed in 16 KiB chunks as the connection accepts them, never read whole into
     *       memory. Each answer closes its connection (no keep-alive), and like an upgrade it must
     *       complete within the {@link #handshakeTimeout(Duration) handshake timeout} from TCP accept,
     *       counted by the {@link #maxConnections(int) connection limits}: fine for a page and its
     *       scripts, not for large downloads.
     * </ul>
     *
     * <p>Files are opened on the I/O threads. For anything beyond a development server or a small
     * deployment, serve the page from a real web server or CDN and add its origin with
     * {@link #allowedOrigins(String...)}. Default: off (every other path gets 404).
     *
     * @throws IllegalArgumentException unless {@code directory} is an existing directory
     */
    public ServerBuilder<S> staticFiles(Path directory) {
        options.staticFiles(directory);
        return this;
    }

    /**
     * Leaves the schema text out of the HELLO (extension 4, docs/protocol.md section 3.1). By default
     * every connection receives the server's whole canonical schema text: its methods with parameter
     * names and types, every record, enum and sealed type crossing the wire, the state and event types.
     * That is what lets a client built from another version of the contract apply the compatibility
     * rule (docs/evolution.md) and what lets tools such as {@code hardlight describe} and
     * {@code hardlight call} work without Java classes. A service whose contract is private can
     * withhold it: clients then accept only methods, state and events whose hashes equal their own
     * (any change on either side makes the changed methods {@code INCOMPATIBLE}), and the command line
     * needs the schema from a file ({@code --schema}). Hiding the schema hides names, not behaviour:
     * method names and hashes are still in the HELLO, and values are still readable on the wire to
     * whoever can decrypt it.
     */
    public ServerBuilder<S> hideSchema() {
        options.hideSchema(true);
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

    /** See {@link ServerOptions.Builder#interceptor(ServerInterceptor)}: adds one, outermost first. */
    public ServerBuilder<S> interceptor(ServerInterceptor interceptor) {
        options.interceptor(interceptor);
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

    /** See {@link ServerOptions.Builder#developmentErrorDetails(boolean)}: for development only. */
    public ServerBuilder<S> developmentErrorDetails(boolean send) {
        options.developmentErrorDetails(send);
        return this;
    }

    /**
     * Binds and starts accepting connections; returns once the port is bound.
     *
     * @throws IllegalStateException if neither {@link #tls(Tls)} nor {@link #insecurePlaintext()} was
     *     called, the address cannot be bound, or (with {@link HardLight#server()}) no service was added,
     *     or {@link #path(String)}, {@link #topicListener} or {@link #cluster} was set
     * @throws IllegalArgumentException if a service added with {@link #service} has the path of the one
     *     given at {@code HardLight.server}
     */
    public HardLightServer start() {
        ServerOptions o = options.build();
        List<Endpoint<?>> endpoints = endpoints(o);
        if (o.tls() == null && !o.isInsecurePlaintext()) {
            throw new IllegalStateException("no TLS configured: call tls(Tls.selfSigned(\"localhost\")) (or another Tls), "
                    + "or insecurePlaintext() to serve without encryption");
        }
        SslContext ssl = null;
        if (o.tls() != null) {
            ssl = TlsContexts.server(o.tls().material());
        } else {
            List<String> names = new ArrayList<>();
            for (Endpoint<?> e : endpoints) {
                names.add(e.service().name());
            }
            log.warn("insecurePlaintext: the HardLight server for {} serves WITHOUT TLS; traffic can be read and changed "
                    + "by anyone on the network path", String.join(", ", names));
        }
        return new HardLightServer(NettyServer.start(new ServerConfig(endpoints, o, ssl)));
    }

    /** The services with their settings resolved: the one given at {@code HardLight.server} first. */
    private List<Endpoint<?>> endpoints(ServerOptions o) {
        OriginPolicy origins = o.allowsAnyOrigin() ? OriginPolicy.any() : OriginPolicy.allow(o.allowedOrigins());
        List<Endpoint<?>> endpoints = new ArrayList<>();
        if (service != null) {
            endpoints.add(new Endpoint<>(o.path(), service, factory, o.authenticator(), origins, o.topicListener(), o.cluster(),
                    o.maxInFlight(), o.maxMessageSize(), o.hideSchema(), o.developmentErrorDetails()));
        } else if (added.isEmpty()) {
            throw new IllegalStateException("no service to serve: add one with service(path, contract, factory)");
        } else if (!o.path().equals(ServerOptions.DEFAULT_PATH)) {
            throw new IllegalStateException("path(" + o.path() + ") is the path of the service given at HardLight.server(contract, "
                    + "factory); here each service has its own: service(path, contract, factory)");
        } else if (o.topicListener() != null || o.cluster() != null) {
            throw new IllegalStateException("topicListener and cluster belong to one service's topics: give them to a "
                    + "service (service(path, contract, factory, s -> s.topicListener(...)))");
        }
        for (Added<?> a : added) {
            if (service != null && a.path().equals(o.path())) {
                throw new IllegalArgumentException("path: " + a.path() + " already serves " + service.name());
            }
            endpoints.add(endpoint(a, o, origins));
        }
        return endpoints;
    }

    private static <T> Endpoint<T> endpoint(Added<T> a, ServerOptions o, OriginPolicy origins) {
        ServiceOptions s = a.options();
        return new Endpoint<>(a.path(), a.service(), a.factory(), s.authenticator(o.authenticator()), s.originPolicy(origins),
                s.topicListener(), s.cluster(), s.maxInFlight(o.maxInFlight()), s.maxMessageSize(o.maxMessageSize()),
                s.hideSchema(o.hideSchema()), s.developmentErrorDetails(o.developmentErrorDetails()));
    }
}
