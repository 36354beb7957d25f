package dev.hardlight.stream;

/** The kind of a received WebSocket frame, as {@link Frame#type()} reports it. */
public enum FrameType {
    /** A text frame, or a continuation of a text message (UTF-8). */
    TEXT,
    /** A binary frame, or a continuation of a binary message. */
    BINARY,
    /** A ping; the client has already queued the pong when the handler sees it. */
    PING,
    /** A pong. */
    PONG
}
