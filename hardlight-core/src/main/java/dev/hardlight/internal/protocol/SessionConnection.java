package dev.hardlight.internal.protocol;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.Features;
import dev.hardlight.UpgradeRequest;
import dev.hardlight.Subscriptions;
import dev.hardlight.SyncedState;
import dev.hardlight.service.EventDescriptor;
import java.net.SocketAddress;

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

    @Override
    public String toString() {
        return "Connection[" + id + " " + remoteAddress + "]";
    }
}
