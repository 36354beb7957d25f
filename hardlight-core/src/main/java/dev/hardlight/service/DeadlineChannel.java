package dev.hardlight.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@link RpcChannel#withDeadline}: the same connection, with a deadline on every call that names none. */
final class DeadlineChannel extends ForwardingRpcChannel {
    private final Duration deadline;

    DeadlineChannel(RpcChannel channel, Duration deadline) {
        super(channel);
        this.deadline = deadline;
    }

    @Override
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration d) throws Exception {
        return super.call(method, args, d == null ? deadline : d);
    }

    @Override
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration d) {
        return super.callAsync(method, args, d == null ? deadline : d);
    }

    @Override
    public RpcChannel withDeadline(Duration d) {
        return delegate().withDeadline(d);
    }

    @Override
    public String toString() {
        return delegate() + " with deadline " + deadline;
    }
}
