package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where a client's calls go: {@link ReconnectingCalls} for a client with a reconnect policy, which may
 * wait for the next link and send a call again; {@link #direct} for one without, whose calls go
 * straight to its one link. Chosen once, when the client is made.
 *
 * <p>Thread rule: implementations hold no state of their own and run on the calling thread.
 */
interface CallRouter {
    /** Makes a call and waits for its answer; see {@code RpcChannel.call}. */
    Object call(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline) throws Exception;

    /** Starts a call; see {@code RpcChannel.callAsync}. */
    CompletableFuture<Object> callAsync(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline);

    /**
     * The calls of a client that does not reconnect: they go to its first and only link, which says
     * itself why it cannot take one; once the link is gone, they fail with why the client closed.
     */
    static CallRouter direct(LinkSupervisor links, String target) {
        return new CallRouter() {
            @Override
            public Object call(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline) throws Exception {
                return link().call(method, args, deadline);
            }

            @Override
            @SuppressWarnings("unchecked")
            public CompletableFuture<Object> callAsync(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline) {
                try {
                    return (CompletableFuture<Object>) link().callAsync(method, args, deadline);
                } catch (RpcException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            private NettyRpcChannel link() {
                NettyRpcChannel link = links.link();
                if (link != null) {
                    return link;
                }
                try {
                    link = links.awaitLink(System.nanoTime(), l -> true); // throws why the client closed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RpcException(Status.CANCELLED, "interrupted while calling " + target);
                }
                if (link == null) {
                    throw new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was closed by this client");
                }
                return link;
            }
        };
    }
}
