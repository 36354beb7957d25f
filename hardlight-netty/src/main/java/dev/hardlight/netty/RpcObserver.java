package dev.hardlight.netty;

import dev.hardlight.Nullable;
import dev.hardlight.Status;

/**
 * Observes one server's or one client's traffic, for metrics and tracing: set it with
 * {@link ServerOptions.Builder#observer(RpcObserver)} or {@link ClientOptions.Builder#observer(RpcObserver)}.
 * Every method has a default that does nothing; without an observer, none of this work is done (the
 * transport checks for {@code null} and goes on).
 *
 * <p>The methods run on the transport's threads (a connection's I/O thread, a handler's virtual thread,
 * the calling thread): they must be quick, must not block and must be thread-safe. An exception thrown
 * by one is logged and otherwise ignored.
 *
 * <p>What a call is, as observed: on a server, from the arrival of its CALL frame to the sending of its
 * answer (RESULT or ERROR, the status then being the answer's); on a client, from the sending of its CALL
 * frame to the arrival of the answer. A client call whose connection is lost before the answer completes
 * with {@link Status#UNAVAILABLE} when the loss is seen; a call cancelled or timed out by the client
 * completes when the server's answer to the cancel arrives (with the status that answer carries). A call
 * retried on a new connection is observed once per connection it was sent on.
 */
public interface RpcObserver {
    /** A connection was opened (a server: after the WebSocket upgrade; a client: a link to the server). */
    default void connectionOpened() {}

    /** A connection opened earlier was closed, for whatever reason. */
    default void connectionClosed() {}

    /**
     * A server refused a WebSocket upgrade before any connection existed.
     *
     * @param httpStatus the HTTP status it answered with (400, 401, 403, 404, 503, ...)
     * @param reason its reason as sent to the client (may be long; use {@code httpStatus} as a metric tag)
     */
    default void upgradeRefused(int httpStatus, String reason) {}

    /** A client's connection changed: what its {@link ConnectionListener} is told. Client only. */
    default void connectionChanged(ConnectionEvent event) {}

    /**
     * A call started.
     *
     * @param service the service's name
     * @param method the method's name
     * @return anything the observer wants back at {@link #callCompleted} (a span, a timer sample), or
     *     {@code null}
     */
    default @Nullable Object callStarted(String service, String method) {
        return null;
    }

    /**
     * A call completed.
     *
     * @param context what {@link #callStarted} returned for this call
     * @param status {@link Status#OK} for a result, else the error's status
     * @param durationNanos from start to completion, as measured by the transport
     */
    default void callCompleted(@Nullable Object context, String service, String method, Status status, long durationNanos) {}

    /** A server queued an event for a connection (one per connection the event goes to). */
    default void eventSent() {}

    /**
     * A server did not queue an event for a connection because of its slow-consumer policy.
     *
     * @param policy what the server does about it: {@link SlowConsumerPolicy#DROP_EVENTS} drops it,
     *     {@link SlowConsumerPolicy#DISCONNECT} also closes the connection
     */
    default void eventDropped(SlowConsumerPolicy policy) {}

    /** A client received an event. */
    default void eventReceived() {}

    /** A message (WebSocket binary message, after decompression) of {@code bytes} bytes arrived. */
    default void bytesReceived(int bytes) {}

    /** A message of {@code bytes} bytes was queued to be sent (before compression). */
    default void bytesSent(int bytes) {}
}
