package dev.hardlight.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where a session's frames go. The transport implements it over a channel (batching writes made from
 * other threads); tests implement it over a list. Must be thread-safe: handlers on virtual threads
 * send their results through it.
 */
public interface Outbound {
    /** The allocator frames are built in. */
    ByteBufAllocator alloc();

    /** Sends one whole frame; takes ownership of {@code frame} (releases it, even when closed). */
    void send(ByteBuf frame);

    /**
     * Sends an event frame unless the connection's outbound queue is over its high-water mark (a slow
     * consumer). Returns {@code false} when the event was not queued; the transport then applies its
     * slow-consumer policy (drop, or close the connection). Takes ownership of {@code frame}.
     */
    default boolean offerEvent(ByteBuf frame) {
        send(frame);
        return true;
    }

    /** Whether the connection is open. */
    default boolean isOpen() {
        return true;
    }

    /** Closes the connection with a WebSocket close code and reason. Idempotent. */
    void close(int code, String reason);
}
