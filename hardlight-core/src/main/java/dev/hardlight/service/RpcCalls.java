package dev.hardlight.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The calls half of a client connection: what a generated client's methods use. Thread-safe.
 *
 * <p>Back-pressure: at most the negotiated number of calls are in flight; a call over the limit
 * waits for a free slot (on a virtual thread this blocks nothing else) instead of failing.
 */
public interface RpcCalls {
    /** The contract these calls are made for. */
    ServiceDescriptor<?> service();

    /**
     * Makes a call and waits for its result.
     *
     * @throws Exception one of the method's declared exceptions as the server's handler threw it, or
     *     {@link dev.hardlight.RpcException} for every other failure (connection lost, remote error,
     *     interrupted while waiting)
     */
    default <R> R call(MethodDescriptor<R> method, ArgumentWriter args) throws Exception {
        return call(method, args, null);
    }

    /**
     * Makes a call with a deadline and waits for its result. When {@code deadline} passes first, the call
     * fails with {@link dev.hardlight.Status#DEADLINE_EXCEEDED} and a cancel is sent, which interrupts
     * the handler on the server. A {@code null} deadline means the channel's default (none unless the
     * client options set one).
     */
    <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) throws Exception;

    /**
     * Makes a call without waiting for its result. Returns as soon as the call is written, unless the
     * in-flight limit is reached, in which case it first waits for a free slot. Cancelling the future
     * sends a cancel to the server, which interrupts the handler.
     */
    default <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args) {
        return callAsync(method, args, null);
    }

    /** {@link #callAsync(MethodDescriptor, ArgumentWriter)} with a deadline ({@code null}: the channel's default). */
    <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline);
}
