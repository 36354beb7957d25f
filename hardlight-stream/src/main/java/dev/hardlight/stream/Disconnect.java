package dev.hardlight.stream;

/**
 * Why an endpoint's connection ended (or could not be made), as passed to
 * {@link Endpoint#canReconnect(Disconnect, Object)}.
 *
 * @param reason what happened
 * @param closeCode the WebSocket close code when there was a connection (see {@link FrameHandler#onClose}),
 *     otherwise -1
 * @param detail a sentence saying what happened, for logs
 * @param cause the exception behind it, or {@code null}
 */
public record Disconnect(Reason reason, int closeCode, String detail, Throwable cause) {

    /** What ended the connection. */
    public enum Reason {
        /** The host name did not resolve. */
        DNS_FAILED,
        /** The host name did not resolve within the service's DNS timeout. */
        DNS_TIMEOUT,
        /** The stream could not be created or connected, or the upgrade was refused. */
        CONNECT_FAILED,
        /** The connection was not open (TCP, TLS, upgrade) within the service's connect timeout. */
        CONNECT_TIMEOUT,
        /** The connection closed: a close handshake, a malformed frame from the server, or a lost connection. */
        CLOSED,
        /** The service closed the connection because its endpoint's time to live expired. */
        TTL_EXPIRED,
        /** The service dropped the connection because nothing arrived within the endpoint's idle timeout. */
        IDLE_TIMEOUT,
        /** An endpoint callback threw; {@link #cause()} is the exception. */
        HANDLER_FAILED
    }

    @Override
    public String toString() {
        return reason + (closeCode >= 0 ? " " + closeCode : "") + ": " + detail;
    }
}
