package dev.hardlight.netty;

import dev.hardlight.HandlerFactory;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.Hello;
import dev.hardlight.netty.internal.ClientChannel;
import dev.hardlight.netty.internal.ClientConnector;
import dev.hardlight.netty.internal.ClientConfig;
import dev.hardlight.netty.internal.TlsContexts;
import dev.hardlight.netty.internal.TrustMode;
import dev.hardlight.service.ClientFactory;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.Services;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Entry points of the Netty transport: {@link #server} to serve a service, {@link #connect} to call
 * one: {@code HardLight.connect(uri, options, CounterClient.FACTORY)} connects a generated client.
 *
 * <p>Thread-safe. Connections use epoll when available (NIO otherwise). By default all clients of a
 * process share one group of daemon event loop threads, made on first connect; a client can run on the
 * process's busy-polling thread instead ({@link ClientOptions.Builder#busyPoll(boolean)}), or on
 * threads the application owns and shares between clients ({@link ClientOptions.Builder#group(ClientGroup)}).
 */
public final class HardLight {
    private HardLight() {}

    /**
     * A builder of a server for the {@code @Rpc} interface {@code service}, whose generated descriptor
     * is found with {@link Services#descriptor(Class)}.
     *
     * @param factory makes one handler per connection, after its WebSocket upgrade (on the connection's
     *     I/O thread: keep it quick); a factory that throws refuses the connection (close 1011)
     * @throws dev.hardlight.RpcException FAILED_PRECONDITION if no generated descriptor exists
     */
    public static <S> ServerBuilder<S> server(Class<S> service, HandlerFactory<S> factory) {
        Objects.requireNonNull(service, "service");
        return new ServerBuilder<>(Services.descriptor(service), factory);
    }

    /**
     * A builder of a server with no service of its own, to serve several services on one port, each
     * at its path: add them with {@link ServerBuilder#service(String, Class, HandlerFactory,
     * java.util.function.Consumer) service(path, contract, factory, settings)}, as in
     *
     * <pre>{@code
     * HardLight.server()
     *         .service("/chat", Chat.class, ChatHandler::new)
     *         .service("/admin", Admin.class, AdminHandler::new, s -> s.authenticator(admins))
     *         .tls(tls)
     *         .start();
     * }</pre>
     *
     * <p>{@link ServerBuilder#path(String)} has no use here (each service has its path), nor have
     * {@link ServerBuilder#topicListener} and {@link ServerBuilder#cluster}, which belong to one
     * service's topics ({@link ServiceOptions.Builder#topicListener}): {@link ServerBuilder#start()}
     * refuses all three.
     */
    public static ServerBuilder<Void> server() {
        return ServerBuilder.withoutService();
    }

    /** A builder of a server for a service descriptor (generated, or written by hand). */
    public static <S> ServerBuilder<S> server(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        return new ServerBuilder<>(service, factory);
    }

    /**
     * Connects to a HardLight server and returns once the connection is ready for calls: TCP, TLS, the
     * WebSocket upgrade (subprotocol {@code hardlight.v1}) and the server's hello, all within
     * {@link ClientOptions#connectTimeout()} (default 10 s). Blocks the calling thread meanwhile.
     *
     * <p>{@code uri} is {@code wss://host[:port]/path} (port 443 by default; an empty path means
     * {@code /hl}, the server's default), or {@code ws://...} when the options allow
     * {@link ClientOptions.Builder#insecurePlaintext() plaintext}.
     *
     * @throws dev.hardlight.RpcException with {@code UNAVAILABLE} when the server cannot be reached, the
     *     TLS handshake fails (the message says why, e.g. both fingerprints when a pin does not match)
     *     or the timeout passes; the status matching the HTTP answer ({@code INCOMPATIBLE} for 400,
     *     {@code NOT_FOUND} for 404, ...) with the server's reason when it refuses the upgrade;
     *     {@code INCOMPATIBLE} when it serves another service; {@code CANCELLED} if interrupted
     * @throws IllegalArgumentException if the URI's scheme is not {@code wss} or {@code ws}, or
     *     {@code ws} is used without {@code insecurePlaintext}
     */
    public static <S> RpcChannel connect(URI uri, ClientOptions options, ServiceDescriptor<S> service) {
        Objects.requireNonNull(service, "service");
        ClientConfig config = config(uri, options, service);
        return ClientChannel.connect(config, options.reconnectPolicy(), options.connectionListener(), options.reconnectAfter());
    }

    /**
     * Connects as {@link #connect(URI, ClientOptions, ServiceDescriptor)} does, to the factory's service,
     * and returns the client it makes over the connection, e.g.
     * {@code HardLight.connect(uri, options, CounterClient.FACTORY)}. When making the client fails, the
     * connection is closed and the failure thrown.
     *
     * @throws dev.hardlight.RpcException as {@link #connect(URI, ClientOptions, ServiceDescriptor)}
     */
    public static <C> C connect(URI uri, ClientOptions options, ClientFactory<C> client) {
        Objects.requireNonNull(client, "client");
        RpcChannel channel = connect(uri, options, client.service());
        try {
            return client.create(channel);
        } catch (RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects, reads the server's HELLO and closes: what the server serves, for tools that learn the
     * contract from the server instead of from generated classes (the {@code hardlight} command line
     * builds its calls from {@link ServerHello#schema()}). Connecting works as in
     * {@link #connect(URI, ClientOptions, ServiceDescriptor)} (TLS, pin, headers, timeout; reconnect
     * options are ignored) but accepts any service. The schema text, when the server sends it, has
     * been checked against the fingerprint.
     *
     * @throws dev.hardlight.RpcException as {@link #connect(URI, ClientOptions, ServiceDescriptor)}
     *     when the connection cannot be made or the upgrade is refused
     */
    public static ServerHello hello(URI uri, ClientOptions options) {
        Hello h = ClientConnector.probe(config(uri, options, ClientSession.PROBE));
        String schema = null;
        for (Hello.Extension e : h.extensions()) {
            if (e.tag() == 4) {
                schema = new String(e.value(), StandardCharsets.UTF_8);
            }
        }
        return new ServerHello(h.service(), HexFormat.of().formatHex(h.fingerprint()), schema,
                h.maxInFlight(), h.maxMessageSize());
    }

    private static ClientConfig config(URI uri, ClientOptions options, ServiceDescriptor<?> service) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        SslContext ssl;
        TrustMode trust;
        switch (scheme) {
            case "wss" -> {
                trust = options.trustMode();
                ssl = TlsContexts.client(options, trust, options.pinnedFingerprint(), options.trustedCertificates());
            }
            case "ws" -> {
                if (!options.isInsecurePlaintext()) {
                    throw new IllegalArgumentException("uri: " + uri + " is plaintext (ws://): use wss://, or allow it "
                            + "explicitly with ClientOptions.builder().insecurePlaintext()");
                }
                ssl = null;
                trust = TrustMode.PLAINTEXT;
            }
            default -> throw new IllegalArgumentException("uri: " + uri + " (expected: wss://host:port/path)");
        }
        return new ClientConfig(uri, service, options, ssl, trust, options.ioThreads());
    }

}
