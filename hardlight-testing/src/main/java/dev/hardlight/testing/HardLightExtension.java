package dev.hardlight.testing;

import dev.hardlight.HandlerFactory;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.Services;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import dev.hardlight.netty.Tls;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that serves a handler factory over TLS on an ephemeral loopback port and hands
 * the test connected clients, then closes every client and server it made.
 *
 * <pre>{@code
 * class CounterTest {
 *     @RegisterExtension
 *     static final HardLightExtension<Counter> hl = HardLightExtension.serve(Counter.class, CounterHandler::new);
 *
 *     @Test
 *     void increments() {
 *         CounterClient client = hl.connect(CounterClient::new);
 *         assertThat(client.increment(2)).isEqualTo(2);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> Registered on a {@code static} field, the server starts before the first test of
 * the class and stops after the last; registered on an instance field, each test gets its own server.
 * Either way, a client made during a test is closed after that test, and one made in a
 * {@code @BeforeAll} method after the class.
 *
 * <p><b>Security.</b> The server binds {@code 127.0.0.1} with a self-signed development certificate for
 * {@code localhost}, made once per JVM; clients pin its fingerprint. Nothing listens beyond loopback.
 *
 * <p><b>Transport.</b> Real sockets: a test pays for a loopback TLS handshake per client, about a
 * millisecond once the JVM is warm. For tests of a service's logic without sockets, see
 * {@link InProcessServer}.
 *
 * <p>Configure with {@link #configure(Consumer)}, {@link #path(String)} and {@link #clientOptions(UnaryOperator)}
 * before the extension starts (in the field initializer). Thread-safe once started: tests may connect
 * from several threads.
 *
 * @param <S> the {@code @Rpc} service interface
 */
public final class HardLightExtension<S>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The development identity shared by every extension of the JVM (key generation takes a while). */
    private static final class Identity {
        static final Tls TLS = Tls.selfSigned("localhost");
    }

    private final ServiceDescriptor<S> service;
    private final HandlerFactory<S> factory;
    private Consumer<ServerBuilder<S>> customizer = b -> {};
    private UnaryOperator<ClientOptions.Builder> clientCustomizer = b -> b;
    private String path = "/hl";

    private final Object lock = new Object();
    private HardLightServer server;
    private boolean perClass;
    private boolean inTest;
    private final List<AutoCloseable> classClients = new ArrayList<>();
    private final List<AutoCloseable> testClients = new ArrayList<>();

    private HardLightExtension(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        this.service = Objects.requireNonNull(service, "service");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * An extension serving {@code service} (an {@code @Rpc} interface compiled with the processor) with
     * handlers made by {@code factory}, one per connection.
     *
     * @throws dev.hardlight.RpcException FAILED_PRECONDITION if no generated descriptor exists
     */
    public static <S> HardLightExtension<S> serve(Class<S> service, HandlerFactory<S> factory) {
        return new HardLightExtension<>(Services.descriptor(service), factory);
    }

    /** An extension serving a service descriptor (generated, or written by hand). */
    public static <S> HardLightExtension<S> serve(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        return new HardLightExtension<>(service, factory);
    }

    /**
     * Adjusts the server before it starts: limits, timeouts, an authenticator, listeners. TLS, the
     * address and the path are the extension's (use {@link #path(String)} for the path).
     *
     * @return this extension
     */
    public HardLightExtension<S> configure(Consumer<ServerBuilder<S>> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    /**
     * The WebSocket path the server serves and clients connect to (default {@code /hl}).
     *
     * @return this extension
     */
    public HardLightExtension<S> path(String path) {
        this.path = Objects.requireNonNull(path, "path");
        return this;
    }

    /**
     * Adjusts the options of every client this extension connects (the builder comes with the server's
     * fingerprint pinned), e.g. {@code b -> b.reconnect()}.
     *
     * @return this extension
     */
    public HardLightExtension<S> clientOptions(UnaryOperator<ClientOptions.Builder> customizer) {
        this.clientCustomizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException before the extension has started it (outside a test's lifecycle)
     */
    public HardLightServer server() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException("the HardLight test server is not running: use it from a test, or "
                        + "a @BeforeAll/@BeforeEach method, of a class that registers this extension");
            }
            return server;
        }
    }

    /** The server's address, {@code wss://localhost:PORT/PATH}. */
    public URI uri() {
        return URI.create("wss://localhost:" + server().port() + path);
    }

    /** Options for a client of this server: its fingerprint pinned, then the {@link #clientOptions} adjustments. */
    public ClientOptions.Builder clientOptionsBuilder() {
        server();
        return clientCustomizer.apply(ClientOptions.builder().pinned(Identity.TLS.fingerprint()));
    }

    /**
     * A connected client, closed by the extension after the test (or after the class when made in
     * {@code @BeforeAll}). {@code client} is the generated client's constructor, e.g.
     * {@code CounterClient::new}.
     */
    public <C extends AutoCloseable> C connect(Function<RpcChannel, C> client) {
        return connect(client, b -> b);
    }

    /**
     * A connected client with adjusted options (applied after {@link #clientOptions}'s), closed by the
     * extension like {@link #connect(Function)}'s.
     */
    public <C extends AutoCloseable> C connect(Function<RpcChannel, C> client, UnaryOperator<ClientOptions.Builder> options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        RpcChannel channel = HardLight.connect(uri(), options.apply(clientOptionsBuilder()).build(), service);
        C made;
        try {
            made = client.apply(channel);
        } catch (RuntimeException | Error e) {
            channel.close();
            throw e;
        }
        track(made);
        return made;
    }

    /** A connected channel without a generated client, closed by the extension like {@link #connect(Function)}'s. */
    public RpcChannel connectChannel() {
        return connect(channel -> new ClosingChannel(channel)).channel;
    }

    /**
     * Stops the server and starts a new one on the same port with the same handler factory and
     * settings, e.g. to test reconnection. Connected clients lose their connection.
     */
    public void restart() {
        synchronized (lock) {
            int port = server().port();
            server.close();
            server = null;
            server = start(port);
        }
    }

    private void track(AutoCloseable closeable) {
        synchronized (lock) {
            (inTest || !perClass ? testClients : classClients).add(closeable);
        }
    }

    private HardLightServer start(int port) {
        ServerBuilder<S> b = HardLight.server(service, factory);
        customizer.accept(b);
        return b.tls(Identity.TLS).bind("127.0.0.1", port).path(path).start();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (lock) {
            perClass = true;
            server = start(0);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (lock) {
            inTest = true;
            if (!perClass) {
                server = start(0);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<AutoCloseable> close;
        synchronized (lock) {
            inTest = false;
            close = new ArrayList<>(testClients);
            testClients.clear();
            if (!perClass && server != null) {
                close.add(server);
                server = null;
            }
        }
        closeAll(close);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<AutoCloseable> close;
        synchronized (lock) {
            close = new ArrayList<>(classClients);
            classClients.clear();
            close.addAll(testClients);
            testClients.clear();
            if (server != null) {
                close.add(server);
                server = null;
            }
        }
        closeAll(close);
    }

    /** Closes newest first; all are closed even if some fail, and the first failure is thrown. */
    private static void closeAll(List<AutoCloseable> closeables) throws Exception {
        Exception first = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private record ClosingChannel(RpcChannel channel) implements AutoCloseable {
        @Override
        public void close() {
            channel.close();
        }
    }
}
