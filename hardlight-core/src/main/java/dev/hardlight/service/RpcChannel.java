package dev.hardlight.service;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one connection, as generated clients use it. Implemented by the transport
 * ({@code hardlight-netty}); thread-safe, cheap to share between threads.
 *
 * <p>Back-pressure: at most the negotiated number of calls are in flight; a call over the limit
 * waits for a free slot (on a virtual thread this blocks nothing else) instead of failing.
 */
public interface RpcChannel extends AutoCloseable {
    /** The contract this channel was opened for. */
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
    <R> R call(MethodDescriptor<R> method, ArgumentWriter args, java.time.Duration deadline) throws Exception;

    /**
     * Makes a call without waiting for its result. Returns as soon as the call is written, unless the
     * in-flight limit is reached, in which case it first waits for a free slot. Cancelling the future
     * sends a cancel to the server, which interrupts the handler.
     */
    default <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args) {
        return callAsync(method, args, null);
    }

    /** {@link #callAsync(MethodDescriptor, ArgumentWriter)} with a deadline ({@code null}: the channel's default). */
    <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, java.time.Duration deadline);

    /**
     * A view of this channel whose calls carry {@code deadline} (from the moment each call starts). It
     * shares the connection: closing either closes both. Generated clients expose it as
     * {@code withDeadline(Duration)}.
     */
    default RpcChannel withDeadline(java.time.Duration deadline) {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
        }
        return new DeadlineChannel(this, deadline);
    }

    /**
     * The connection state as of the last frame this client handled, or {@code null} when the service
     * declares none. Valid as soon as the channel is connected; when a call returns, it already shows
     * every change that call made. Never blocks.
     */
    Object state();

    /** Adds a listener of state changes (see {@link StateListener} for its threading rule). */
    void addStateListener(StateListener<Object> listener);

    /** Removes a listener added with {@link #addStateListener}. */
    void removeStateListener(StateListener<Object> listener);

    /**
     * The events this connection receives, in a bounded queue that exists from the moment the channel
     * is connected (so early events are kept). Empty and never filled when the service declares no events.
     */
    EventStream<Object> events();

    /** Adds a listener called for every event on the I/O thread (see {@link EventListener}). */
    void addEventListener(EventListener<Object> listener);

    /** Removes a listener added with {@link #addEventListener}. */
    void removeEventListener(EventListener<Object> listener);

    /**
     * The features enabled on this connection, as the server last announced them (see
     * {@link dev.hardlight.Requires}); a call to a method whose feature is missing fails locally with
     * {@link dev.hardlight.Status#PERMISSION_DENIED}. When a call that changed them returns, this already
     * shows the change. Never blocks.
     */
    java.util.Set<String> features();

    /** Whether the connection is open. */
    boolean isOpen();

    /** Closes the connection; pending calls fail with {@link dev.hardlight.Status#CONNECTION_LOST}. */
    @Override
    void close();
}
