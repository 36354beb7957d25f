package dev.hardlight.netty.internal;

import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.CallResults;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Sends the calls of a client that reconnects to its current link. While there is none, a call waits
 * (up to its deadline, or the policy's callWait) for the next. A call the old link never sent (closed,
 * or going away) is sent on the next, and so is one known not to have run (refused UNAVAILABLE after the
 * server's GO_AWAY, or still pending when the server closed with 1001 after its GO_AWAY: protocol.md
 * 3.6), whatever its idempotency; another call the link sent fails with CONNECTION_LOST, unless its
 * method is idempotent.
 *
 * <p>Thread rule: no state of its own; runs on the calling thread, and on a virtual thread per
 * async call that has to wait.
 */
final class ReconnectingCalls implements CallRouter {
    private final ClientConfig config;
    private final LinkSupervisor links;
    /** How long a call without a deadline waits for a link. */
    private final Duration callWait;

    ReconnectingCalls(ClientConfig config, LinkSupervisor links, Duration callWait) {
        this.config = config;
        this.links = links;
        this.callWait = callWait;
    }

    @Override
    public Object call(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline) throws Exception {
        NettyRpcChannel.checkNotOnAnIoThread(method);
        Duration d = deadline != null ? deadline : config.defaultDeadline();
        return invoke(method, args, d, d == null ? 0 : System.nanoTime() + NettyRpcChannel.saturatedNanos(d), null);
    }

    @Override
    public CompletableFuture<Object> callAsync(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline) {
        Duration d = deadline != null ? deadline : config.defaultDeadline();
        long deadlineAt = d == null ? 0 : System.nanoTime() + NettyRpcChannel.saturatedNanos(d);
        RetryingCall result = new RetryingCall();
        // Attempts after the first run on other threads: they carry the caller's attached metadata.
        Metadata attached = Metadata.attached();
        NettyRpcChannel link = links.link();
        if (link != null && link.usable()) {
            try {
                ClientSession.PendingCall call = link.start(method, args, remaining(d, deadlineAt));
                result.inner = call;
                call.whenComplete((value, error) -> {
                    if (error == null) {
                        result.complete(value);
                    } else if (retryable(method, link, error) && !result.isDone()) {
                        result.continueOnVirtualThread(() -> invokeWith(attached, method, args, d, deadlineAt, result));
                    } else {
                        result.completeExceptionally(error);
                    }
                });
                return result;
            } catch (RpcException e) {
                if (!notSent(link, e)) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        }
        result.continueOnVirtualThread(() -> invokeWith(attached, method, args, d, deadlineAt, result));
        return result;
    }

    private Object invokeWith(Metadata attached, MethodDescriptor<?> method, ArgumentWriter args, Duration d,
                              long deadlineAt, RetryingCall async) throws Exception {
        try (Metadata.Scope s = attached.attach()) {
            return invoke(method, args, d, deadlineAt, async);
        }
    }

    /**
     * Makes a call, waiting for a link first if there is none, and again (on the next link) when the
     * link lost it in a way that allows it.
     *
     * @param async the future of an async call, told of each attempt so its cancel reaches it; or null
     */
    private Object invoke(MethodDescriptor<?> method, ArgumentWriter args, Duration d, long deadlineAt,
                          RetryingCall async) throws Exception {
        while (true) {
            NettyRpcChannel link = awaitLink(method, d, deadlineAt);
            ClientSession.PendingCall call;
            try {
                call = link.start(method, args, remaining(d, deadlineAt));
            } catch (RpcException e) {
                if (notSent(link, e)) {
                    continue;
                }
                throw e;
            }
            if (async != null) {
                async.inner = call;
                if (async.isCancelled()) {
                    call.cancel(true);
                }
            }
            try {
                return CallResults.await(call, method);
            } catch (RpcException e) {
                if (retryable(method, link, e)) {
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Waits for a link calls can go to: up to the call's deadline, or the policy's callWait.
     *
     * @throws RpcException DEADLINE_EXCEEDED, UNAVAILABLE when the wait is over; the reason when the
     *     client is closed; CANCELLED when interrupted
     */
    private NettyRpcChannel awaitLink(MethodDescriptor<?> method, Duration d, long deadlineAt) {
        long waitUntil = d != null ? deadlineAt : System.nanoTime() + NettyRpcChannel.saturatedNanos(callWait);
        NettyRpcChannel link;
        try {
            link = links.awaitLink(waitUntil, NettyRpcChannel::usable);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(Status.CANCELLED, "interrupted while waiting for the connection to " + target());
        }
        if (link != null) {
            return link;
        }
        if (d != null) {
            throw new RpcException(Status.DEADLINE_EXCEEDED, ClientSession.deadlineMessage(config.service(), method, d)
                    + " (not connected: waiting for the reconnect to " + target() + "; nothing was sent)");
        }
        throw new RpcException(Status.UNAVAILABLE, "not connected to " + target() + ": still reconnecting after "
                + ClientSession.describe(callWait) + " (nothing was sent)");
    }

    /** Whether {@code link} refused to send a call because it is gone or going away: another link may send it. */
    private boolean notSent(NettyRpcChannel link, RpcException e) {
        return !links.isClosed() && (e.status() == Status.CONNECTION_LOST || e.status() == Status.UNAVAILABLE)
                && !link.usable();
    }

    /**
     * Whether a call that failed with {@code error} on {@code link} may go to the next link: the link was
     * lost and the method is idempotent, or the server refused it unrun while shutting down.
     */
    private boolean retryable(MethodDescriptor<?> method, NettyRpcChannel link, Throwable error) {
        if (!(error instanceof RpcException r) || links.isClosed()) {
            return false;
        }
        return r.status() == Status.CONNECTION_LOST && method.idempotent()
                || r.status() == Status.UNAVAILABLE && link.goAwayReason() != null;
    }

    /** The time left for an attempt: {@code null} when the call has no deadline. */
    private static Duration remaining(Duration d, long deadlineAt) {
        return d == null ? null : Duration.ofNanos(Math.max(0, deadlineAt - System.nanoTime()));
    }

    private String target() {
        return config.uri().getRawAuthority();
    }

    /** The future of an async call; cancelling it cancels the attempt in flight, or the wait for a link. */
    private static final class RetryingCall extends CompletableFuture<Object> {
        volatile Future<?> inner;
        private volatile Thread worker;

        interface Attempt {
            Object run() throws Exception;
        }

        void continueOnVirtualThread(Attempt attempt) {
            worker = Thread.ofVirtual().name("hl-call").start(() -> {
                try {
                    complete(attempt.run());
                } catch (Throwable t) {
                    completeExceptionally(t);
                }
            });
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                Future<?> f = inner;
                if (f != null) {
                    f.cancel(true);
                }
                Thread t = worker;
                if (t != null) {
                    t.interrupt();
                }
            }
            return cancelled;
        }
    }
}
