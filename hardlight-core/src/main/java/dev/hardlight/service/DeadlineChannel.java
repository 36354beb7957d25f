package dev.hardlight.service;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** {@link RpcChannel#withDeadline}: the same connection, with a deadline on every call that names none. */
final class DeadlineChannel implements RpcChannel {
    private final RpcChannel channel;
    private final Duration deadline;

    DeadlineChannel(RpcChannel channel, Duration deadline) {
        this.channel = channel;
        this.deadline = deadline;
    }

    @Override
    public ServiceDescriptor<?> service() {
        return channel.service();
    }

    @Override
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration d) throws Exception {
        return channel.call(method, args, d == null ? deadline : d);
    }

    @Override
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration d) {
        return channel.callAsync(method, args, d == null ? deadline : d);
    }

    @Override
    public RpcChannel withDeadline(Duration d) {
        return channel.withDeadline(d);
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
        return channel + " with deadline " + deadline;
    }
}
