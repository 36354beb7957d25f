package dev.hardlight.stream;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * A view of one received WebSocket frame, over the client's read buffer: no copy is made. The view,
 * and the bytes it shows, are valid only during the {@link FrameHandler#onFrame} call that receives it;
 * the same object is reused for the next frame. Copy what must outlive the call.
 *
 * <p>Fragmented messages are not reassembled (that would copy): each fragment is delivered as it comes,
 * with the message's type ({@link FrameType#TEXT} or {@link FrameType#BINARY}, continuation frames
 * included), {@link #isFirst()} on the first and {@link #isFinal()} on the last. An unfragmented message
 * is one frame that is both.
 *
 * <p>Not thread-safe: owned by the polling thread.
 */
public final class Frame {

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private FrameType type;
    private boolean first;
    private boolean fin;
    private long receiveTimeNanos;

    /** For the client only. */
    Frame() {
    }

    void set(DirectBuffer buffer, int offset, int length, FrameType type, boolean first, boolean fin, long time) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.type = type;
        this.first = first;
        this.fin = fin;
        this.receiveTimeNanos = time;
    }

    /** The buffer holding the payload, from {@link #offset()} for {@link #length()} bytes (unmasked). */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Where the payload starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The payload's length in bytes. */
    public int length() {
        return length;
    }

    /** The frame's type; a continuation frame has its message's type. */
    public FrameType type() {
        return type;
    }

    /** Whether this is the first frame of its message (always true for control frames). */
    public boolean isFirst() {
        return first;
    }

    /** Whether this is the last frame of its message (FIN bit; always true for control frames). */
    public boolean isFinal() {
        return fin;
    }

    /**
     * When the read that brought this frame's last byte returned, in {@link System#nanoTime()} units
     * (the recorded time for a replayed stream). Every frame decoded from one read has the same time.
     */
    public long receiveTimeNanos() {
        return receiveTimeNanos;
    }

    /** The payload decoded as UTF-8, in a new String (allocates: for logs and tests, not the hot path). */
    public String asString() {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Frame[" + type + (first ? " first" : "") + (fin ? " final" : "") + ", " + length + " bytes]";
    }
}
