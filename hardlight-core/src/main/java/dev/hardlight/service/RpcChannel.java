package dev.hardlight.service;

import java.time.Duration;

/**
 * The client side of one connection, as generated clients use it: its {@link RpcCalls calls} and an
 * untyped {@link ConnectionView view} of its state, events and features ({@link #view(Class, Class)}
 * gives the typed one). Implemented by a transport ({@code hardlight-netty}, or the in-process pair of
 * {@code hardlight-testing}); thread-safe, cheap to share between threads. To wrap a channel, extend
 * {@link ForwardingRpcChannel}.
 */
public interface RpcChannel extends RpcCalls, ConnectionView<Object, Object> {
    /**
     * A view of this channel whose calls carry {@code deadline} (from the moment each call starts). It
     * shares the connection: closing either closes both. Generated clients expose it as
     * {@code withDeadline(Duration)}.
     */
    default RpcChannel withDeadline(Duration deadline) {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
        }
        return new DeadlineChannel(this, deadline);
    }

    /**
     * This channel's connection view typed by the service's state and event types, checked against
     * {@link #service()}: {@code stateType} must be the state record of the service's descriptor and
     * {@code eventType} its event type ({@code Void.class} for either when the service declares none).
     *
     * @throws IllegalArgumentException when a type is not the service's
     */
    default <T, E> ConnectionView<T, E> view(Class<T> stateType, Class<E> eventType) {
        ServiceDescriptor<?> service = service();
        Class<?> state = service.state() == null ? Void.class : service.state().type();
        Class<?> events = service.events() == null ? Void.class : service.events().type();
        if (stateType != state || eventType != events) {
            throw new IllegalArgumentException("view(" + stateType.getName() + ", " + eventType.getName() + "): "
                    + service.name() + " has state " + state.getName() + " and events " + events.getName());
        }
        // Sound: the types were just checked against the descriptor whose codecs made every state and
        // event this channel hands out (and to its listeners).
        @SuppressWarnings("unchecked")
        ConnectionView<T, E> typed = (ConnectionView<T, E>) (ConnectionView<?, ?>) this;
        return typed;
    }
}
