package dev.hardlight.internal.protocol;

import dev.hardlight.CloseReason;
import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.Features;
import dev.hardlight.UpgradeRequest;
import dev.hardlight.Subscriptions;
import dev.hardlight.SyncedState;
import dev.hardlight.service.EventDescriptor;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Connection} handed to handler factories: identity from the transport, state from the
 * session, an attachment that never leaves the server. Thread-safe.
 */
final class SessionConnection implements Connection {
    private final long id;
    private final SocketAddress remoteAddress;
    private final Outbound out;
    private final ServerState<?> state;
    private final Subscriptions subscriptions;
    private final UpgradeRequest request;
    private final Features features;
    private final TopicRegistry<?> topics;
    private final EventDescriptor<?> events;
    private volatile Object attachment;

    SessionConnection(long id, SocketAddress remoteAddress, UpgradeRequest request, Outbound out, ServerState<?> state,
                      Features features, Subscriptions subscriptions, TopicRegistry<?> topics, EventDescriptor<?> events) {
        this.id = id;
        this.request = request;
        this.features = features;
        this.remoteAddress = remoteAddress;
        this.out = out;
        this.state = state;
        this.subscriptions = subscriptions;
        this.topics = topics;
        this.events = events;
    }

    @Override
    public Features features() {
        return features;
    }

    @Override
    public UpgradeRequest request() {
        if (request == null) {
            throw new IllegalStateException("this connection was opened without an HTTP upgrade request");
        }
        return request;
    }

    @Override
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <E> EventEmitter<E> events(Class<E> type) {
        if (events == null) {
            throw new IllegalStateException("this service declares no events (@Rpc(events = ...))");
        }
        if (events.type() != type) {
            throw new IllegalStateException("the service's events are " + events.type().getName() + ", not " + type.getName());
        }
        return (EventEmitter<E>) topics;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> SyncedState<T> state(Class<T> type) {
        if (state == null) {
            throw new IllegalStateException("this service declares no connection state (@Rpc(state = ...))");
        }
        if (state.codec().type() != type) {
            throw new IllegalStateException("the connection state is a " + state.codec().type().getName()
                    + ", not a " + type.getName());
        }
        return (SyncedState<T>) state;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public <A> A attachment(Class<A> type) {
        return type.cast(attachment);
    }

    @Override
    public void close() {
        out.close(ProtocolViolation.NORMAL, "closed by the server");
    }

    /** Guarded by 'this': listeners not yet run; {@code null} once the close was announced. */
    private List<Consumer<CloseReason>> closeListeners = new ArrayList<>(2);
    /** Set once, with {@link #closeListeners} cleared, when the close is announced. */
    private CloseReason closeReason;

    @Override
    public void onClose(Consumer<CloseReason> listener) {
        Objects.requireNonNull(listener, "listener");
        CloseReason reason;
        synchronized (this) {
            if (closeListeners != null) {
                closeListeners.add(listener);
                return;
            }
            reason = closeReason;
        }
        Thread.ofVirtual().name("hl-close-" + id).start(() -> runListener(listener, reason));
    }

    /**
     * Announces the end of the connection (once; later calls do nothing): runs the listeners, then
     * closes {@code handler} if it is {@link AutoCloseable}, on a new virtual thread.
     */
    void announceClose(CloseReason reason, Object handler) {
        List<Consumer<CloseReason>> listeners;
        synchronized (this) {
            if (closeListeners == null) {
                return;
            }
            listeners = closeListeners;
            closeListeners = null;
            closeReason = reason;
        }
        if (listeners.isEmpty() && !(handler instanceof AutoCloseable)) {
            return;
        }
        Thread.ofVirtual().name("hl-close-" + id).start(() -> {
            for (Consumer<CloseReason> l : listeners) {
                runListener(l, reason);
            }
            if (handler instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Throwable t) {
                    log.warn("connection {}: closing its handler failed", id, t);
                }
            }
        });
    }

    private void runListener(Consumer<CloseReason> listener, CloseReason reason) {
        try {
            listener.accept(reason);
        } catch (Throwable t) {
            log.warn("connection {}: a close listener failed", id, t);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SessionConnection.class);

    @Override
    public String toString() {
        return "Connection[" + id + " " + remoteAddress + "]";
    }
}
