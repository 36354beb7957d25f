package dev.hardlight.stream;

/**
 * Receives what a {@link WebSocket} decodes, on the thread that polls it. Implementations must not block.
 */
@FunctionalInterface
public interface FrameHandler {

    /**
     * A frame arrived. The view and its bytes are valid only during this call (see {@link Frame}).
     * The handler may send on {@code ws} (into its outbound buffer) but must not poll it.
     */
    void onFrame(WebSocket ws, Frame frame);

    /**
     * The connection is open: the upgrade succeeded and frames may be sent (queued ones are flushed).
     * Called once. Default: nothing.
     */
    default void onOpen(WebSocket ws) {
    }

    /**
     * The connection is closed and its stream too; called once. {@code code} is the close code
     * (RFC 6455 §7.4): the server's when it closed cleanly, the one this client sent when it found the
     * server's frames malformed (1002, 1007, 1009), 1006 when the connection was lost or could not be made
     * (then {@code ws.failure()} says why). Default: nothing.
     */
    default void onClose(WebSocket ws, int code, String reason) {
    }
}
