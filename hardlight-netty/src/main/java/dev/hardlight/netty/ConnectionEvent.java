package dev.hardlight.netty;

import dev.hardlight.Nullable;
import dev.hardlight.RpcException;
import java.time.Duration;
import java.util.Objects;

/**
 * A step in the life of a client's connection, as a {@link ConnectionListener} sees it. In order:
 * <pre>
 * Connecting ─┬─▶ Connected(false) ─▶ Disconnected(reason) ─▶ Reconnecting(1, delay) ─▶ ... ─▶ Connected(true) ─▶ ...
 *             └─▶ Closed(reason)                            └─▶ Closed(reason)   (no reconnect, or given up)
 * any ─▶ Closed(null)   (the application closed the client)
 * </pre>
 * A proactive reconnect ({@link ClientOptions.Builder#reconnectAfter(Duration)}) shows as
 * {@code Reconnecting(1, 0s)} then {@code Connected(true)}, with no {@code Disconnected}: the old connection
 * serves calls until the new one is ready. So does a server's GO_AWAY when the client reconnects before the
 * old connection closes (as behind a load balancer), without the {@code Reconnecting}.
 */
public sealed interface ConnectionEvent {

    /** The first connection is being made. */
    record Connecting() implements ConnectionEvent {}

    /**
     * The connection is ready for calls: the handshake is done, the state snapshot and features are fresh.
     *
     * @param reconnected whether this replaces a lost (or aged-out) connection
     */
    record Connected(boolean reconnected) implements ConnectionEvent {}

    /**
     * The connection was lost; calls pending on it have failed ({@code CONNECTION_LOST}) unless they are
     * {@code @Idempotent} and will be sent again.
     *
     * @param reason why, with a message for people
     */
    record Disconnected(RpcException reason) implements ConnectionEvent {
        public Disconnected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * An attempt to reconnect will start after {@code delay}.
     *
     * @param attempt 1 for the first attempt after a loss
     */
    record Reconnecting(int attempt, Duration delay) implements ConnectionEvent {
        public Reconnecting {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /**
     * The client is closed for good: calls fail at once and the event stream ends.
     *
     * @param reason {@code null} when the application closed it; otherwise why it gave up
     */
    record Closed(@Nullable RpcException reason) implements ConnectionEvent {}
}
