package dev.hardlight.netty.internal;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.RpcException;
import dev.hardlight.StateListener;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientEventQueue;
import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.ConnectionListener;
import dev.hardlight.netty.ReconnectPolicy;
import dev.hardlight.netty.RpcObserver;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A client, what {@code HardLight.connect} returns whatever its options: a series of connections
 * that it outlives. With a {@link ReconnectPolicy} it reconnects after a loss (with the policy's
 * backoff), otherwise a loss closes it; it replaces aged connections (make before break), tells a
 * {@link ConnectionListener} of each step, and keeps one event stream and one set of listeners across
 * connections. It puts together three parts: a {@link LinkSupervisor} keeps the current connection
 * (a {@link NettyRpcChannel}, a "link"), a {@link CallRouter} sends the calls to it, and
 * {@link ClientListeners} hold the application's listeners.
 *
 * <p>Thread rule: thread-safe; it holds no state but its parts, each with its own rule.
 */
public final class ClientChannel implements RpcChannel {
    private final ClientConfig config;
    private final boolean reconnects;
    private final ClientEventQueue events;
    private final ClientListeners listeners;
    private final LinkSupervisor links;
    private final CallRouter calls;

    private ClientChannel(ClientConfig config, ReconnectPolicy policy, ConnectionListener listener, Duration maxAge) {
        this.config = config;
        this.reconnects = policy != null;
        this.events = new ClientEventQueue(config.eventQueueCapacity());
        this.listeners = new ClientListeners(config.uri().getRawAuthority(), observed(listener, config.options().observer()));
        this.links = new LinkSupervisor(config, policy, maxAge, events, listeners);
        this.calls = policy == null ? CallRouter.direct(links, config.uri().getRawAuthority())
                : new ReconnectingCalls(config, links, policy.callWait());
    }

    /** The application's listener, preceded by the observer's {@code connectionChanged} when there is one. */
    private static ConnectionListener observed(ConnectionListener listener, RpcObserver observer) {
        if (observer == null) {
            return listener;
        }
        return event -> {
            try {
                observer.connectionChanged(event);
            } finally {
                if (listener != null) {
                    listener.connectionChanged(event);
                }
            }
        };
    }

    /**
     * Makes the first connection (not retried: its failure is thrown, after telling the listener
     * {@code Closed}). Without a policy, a listener or a maximum age, the client is its one connection
     * with a thin layer of calls on top.
     *
     * @param policy {@code null}: a lost connection closes the client
     * @param listener {@code null}: none
     * @param maxAge {@code null}: connections are not replaced for age
     */
    public static ClientChannel connect(ClientConfig config, ReconnectPolicy policy, ConnectionListener listener,
                                              Duration maxAge) {
        ClientChannel c = new ClientChannel(config, policy, listener, maxAge);
        c.links.start();
        return c;
    }

    @Override
    public ServiceDescriptor<?> service() {
        return config.service();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) throws Exception {
        return (R) calls.call(method, args, deadline);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
        return (CompletableFuture) calls.callAsync(method, args, deadline);
    }

    @Override
    public Object state() {
        NettyRpcChannel l = links.link();
        return l != null ? l.state() : listeners.lastState();
    }

    @Override
    public void addStateListener(StateListener<Object> listener) {
        listeners.addStateListener(listener);
    }

    @Override
    public void removeStateListener(StateListener<Object> listener) {
        listeners.removeStateListener(listener);
    }

    @Override
    public EventStream<Object> events() {
        return events;
    }

    @Override
    public void addEventListener(EventListener<Object> listener) {
        listeners.addEventListener(listener);
    }

    @Override
    public void removeEventListener(EventListener<Object> listener) {
        listeners.removeEventListener(listener);
    }

    @Override
    public Set<String> features() {
        NettyRpcChannel l = links.link();
        return l != null ? l.features() : listeners.lastFeatures();
    }

    @Override
    public boolean isOpen() {
        NettyRpcChannel l = links.link();
        return l != null && l.isOpen();
    }

    /**
     * Closes the client: stops reconnecting, closes the connection (pending calls fail with
     * CONNECTION_LOST), ends the event stream, tells the listener {@code Closed(null)}.
     */
    @Override
    public void close() {
        links.close(new RpcException(Status.CONNECTION_LOST, "the connection to " + config.uri().getRawAuthority()
                + " was closed by this client"));
        listeners.emit(new ConnectionEvent.Closed(null));
    }

    /** For tests: the current connection, or {@code null} while disconnected. Not part of the API. */
    public NettyRpcChannel link() {
        return links.link();
    }

    @Override
    public String toString() {
        return "RpcChannel[" + config.uri().getRawAuthority() + " " + config.service().name()
                + (isOpen() ? " open" : " closed") + (reconnects ? ", reconnecting" : "") + "]";
    }
}
