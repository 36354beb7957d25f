package dev.hardlight.service;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link RpcChannel} that passes every method to another one: extend it and override what differs
 * (a channel that adds a deadline, counts calls, or wraps their futures). Thread-safe when the
 * channel it forwards to is, and when the overrides are.
 */
public abstract class ForwardingRpcChannel implements RpcChannel {
    private final RpcChannel channel;

    /** A channel forwarding to {@code channel}. */
    protected ForwardingRpcChannel(RpcChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** The channel this one forwards to. */
    protected final RpcChannel delegate() {
        return channel;
    }

    @Override
    public ServiceDescriptor<?> service() {
        return channel.service();
    }

    @Override
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) throws Exception {
        return channel.call(method, args, deadline);
    }

    @Override
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
        return channel.callAsync(method, args, deadline);
    }

    @Override
    public Object state() {
        return channel.state();
    }

    @Override
    public void addStateListener(StateListener<Object> listener) {
        channel.addStateListener(listener);
    }

    @Override
    public void removeStateListener(StateListener<Object> listener) {
        channel.removeStateListener(listener);
    }

    @Override
    public EventStream<Object> events() {
        return channel.events();
    }

    @Override
    public void addEventListener(EventListener<Object> listener) {
        channel.addEventListener(listener);
    }

    @Override
    public void removeEventListener(EventListener<Object> listener) {
        channel.removeEventListener(listener);
    }

    @Override
    public Set<String> features() {
        return channel.features();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return channel.toString();
    }
}
