package dev.hardlight.internal.protocol;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How every transport starts a call on a {@link ClientSession} (through its {@link SlotQueue}) and waits
 * for its answer. Stateless.
 */
public final class CallResults {
    private CallResults() {}

    /**
     * Waits for a call's answer: its value, or its failure as thrown by the server's handler (a declared
     * exception) or as an {@link RpcException}; interrupting the wait cancels the call (CANCELLED).
     */
    public static Object await(ClientSession.PendingCall call, MethodDescriptor<?> method) throws Exception {
        try {
            return call.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new RpcException(Status.UNKNOWN, String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new RpcException(Status.CANCELLED, "interrupted while waiting for the result of " + method.name());
        } catch (CancellationException e) {
            throw new RpcException(Status.CANCELLED, "the call of " + method.name() + " was cancelled");
        }
    }

    /**
     * Starts a call without waiting for its answer ({@code RpcCalls.callAsync}), waiting for a free slot
     * first when every slot is taken (as {@code RpcCalls.callAsync} documents): a call the session
     * refuses (closed, not permitted, arguments too big, deadline passed while waiting) is a failed
     * future, not a throw.
     */
    @SuppressWarnings("unchecked")
    public static <R> CompletableFuture<R> startAsync(SlotQueue slots, MethodDescriptor<R> method, ArgumentWriter args,
                                                      Duration deadline) {
        try {
            // Sound: the session completes the call with what method's result codec decoded, an R.
            return (CompletableFuture<R>) (CompletableFuture<?>) slots.start(method, args, deadline);
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
