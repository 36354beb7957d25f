package dev.hardlight;

import java.util.Objects;

/**
 * Why a server-side connection ended, as told to {@link Connection#onClose} listeners.
 *
 * @param kind which way the connection ended
 * @param description the close code and reason, or what was seen on the socket, for log lines
 *     (never {@code null}; may be empty)
 */
public record CloseReason(Kind kind, String description) {
    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
    }

    /** The ways a connection can end. */
    public enum Kind {
        /** The client sent a WebSocket close frame (for instance its {@code close()}). */
        CLIENT_CLOSED,
        /** The TCP connection was lost (reset, or closed without a close frame). */
        CONNECTION_LOST,
        /** Nothing was received from the client for the server's idle timeout. */
        IDLE_TIMEOUT,
        /** The server shut down ({@code HardLightServer.close()}). */
        SERVER_SHUTDOWN,
        /** The server closed it: {@link Connection#close()}, or its slow-consumer policy. */
        SERVER_CLOSED,
        /** The client broke the protocol; the server closed the connection with the violation's code. */
        PROTOCOL_VIOLATION
    }

    @Override
    public String toString() {
        return description.isEmpty() ? kind.toString() : kind + " (" + description + ")";
    }
}
