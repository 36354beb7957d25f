package dev.hardlight.stream.internal;

import dev.hardlight.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client's outbound buffer: WebSocket frames are encoded into it (RFC 6455 §5.2, masked unless masking
 * is off) and written from it to the stream, as much as the stream takes. Bytes {@code [start, end)} wait to
 * be written; the upgrade request, first in the buffer, ends at {@code requestEnd}, and only it is written
 * before the upgrade completes (§4.1: no frame before the 101).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |  (16 if len = 126, 64 if 127) |
 * |N|V|V|V|       |S|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     masking key (32, if MASK) |   payload, XOR-ed with the key ...
 * +-------------------------------+-------------------------------+
 * </pre>
 *
 * Masking keys come from xorshift64*, seeded per connection. Nothing here allocates. Not thread-safe: owned
 * by the polling thread.
 */
public final class OutboundFrames {

    /** The longest frame header: 2 + 8 bytes of length + 4 of mask key. */
    public static final int MAX_HEADER = 14;

    private final ByteBuffer buffer;
    private final UnsafeBuffer view;
    private final boolean masking;
    private long maskState;
    private int start;
    private int end;
    private int requestEnd;
    private int claimed = -1;

    public OutboundFrames(int capacity, boolean masking, long seed) {
        this.buffer = ByteBuffer.allocateDirect(capacity);
        this.view = new UnsafeBuffer(buffer);
        this.masking = masking;
        this.maskState = seed | 1L;
    }

    /** The largest payload a frame may have to fit in the buffer at all. */
    public int maxPayload() {
        return buffer.capacity() - MAX_HEADER;
    }

    /** The buffer, for a claimed payload. */
    public MutableDirectBuffer view() {
        return view;
    }

    /** Puts the upgrade request first; it alone is written until {@link #flush} is told the upgrade is done. */
    public void putRequest(byte[] request) {
        if (request.length > buffer.capacity()) {
            throw new IllegalArgumentException("the upgrade request (" + request.length + " bytes) is larger than the outbound buffer");
        }
        view.putBytes(0, request);
        end = request.length;
        requestEnd = request.length;
    }

    /** Whether bytes wait to be written. */
    public boolean hasPending() {
        return end > start;
    }

    /** Whether a claim is open. */
    public boolean claimOpen() {
        return claimed >= 0;
    }

    /** Forgets the bytes not written yet (to make room for a close frame that must go out). */
    public void dropPending() {
        start = end = requestEnd = 0;
    }

    /** Encodes a frame with {@code length} bytes of {@code src} as payload; false if it does not fit now. */
    public boolean frame(int opcode, boolean fin, DirectBuffer src, int offset, int length) {
        if (!reserve(length)) {
            return false;
        }
        int payload = putHeader(opcode, fin, length);
        if (masking) {
            int key = nextMask();
            view.putInt(payload - 4, key, ByteOrder.BIG_ENDIAN);
            mask(src, offset, view, payload, length, key);
        } else {
            view.putBytes(payload, src, offset, length);
        }
        end = payload + length;
        return true;
    }

    /** Encodes a text frame of {@code text} as UTF-8 ({@code utf8Length} bytes); false if it does not fit now. */
    public boolean text(int opcode, CharSequence text, int utf8Length) {
        if (!reserve(utf8Length)) {
            return false;
        }
        int payload = putHeader(opcode, true, utf8Length);
        encodeUtf8(text, payload);
        maskInPlace(payload, utf8Length);
        end = payload + utf8Length;
        return true;
    }

    /** Reserves room for a frame of {@code length}; returns where its payload goes, or -1. */
    public int claim(int length) {
        if (!reserve(length)) {
            return -1;
        }
        claimed = length;
        return end + headerLength(length);
    }

    /** Completes the claimed frame: header in front, payload masked in place. */
    public void commit(int opcode) {
        int length = claimed;
        claimed = -1;
        int payload = putHeader(opcode, true, length);
        maskInPlace(payload, length);
        end = payload + length;
    }

    /** Gives up the open claim. */
    public void abort() {
        claimed = -1;
    }

    /**
     * Writes waiting bytes to {@code stream} (only the upgrade request while {@code upgraded} is false) and
     * flushes the stream's layers.
     *
     * @return 1 if bytes were written, else 0
     */
    public int flush(Stream stream, boolean upgraded) throws IOException {
        int limit = upgraded ? end : Math.min(requestEnd, end);
        int work = 0;
        if (limit > start) {
            buffer.limit(limit).position(start);
            int n = stream.write(buffer);
            start = buffer.position();
            buffer.clear();
            if (start == end) {
                start = end = requestEnd = 0;
            }
            work = n > 0 ? 1 : 0;
        }
        stream.flush();
        return work;
    }

    private boolean reserve(int length) {
        int need = MAX_HEADER + length;
        if (end + need <= buffer.capacity()) {
            return true;
        }
        if (start > 0) {
            int pending = end - start;
            view.putBytes(0, view, start, pending);
            requestEnd = Math.max(0, requestEnd - start);
            start = 0;
            end = pending;
        }
        return end + need <= buffer.capacity();
    }

    private int headerLength(int length) {
        return 2 + (length <= 125 ? 0 : length <= 0xffff ? 2 : 8) + (masking ? 4 : 0);
    }

    /** Writes the header at {@code end}; returns where the payload starts (after the mask key, if any). */
    private int putHeader(int opcode, boolean fin, int length) {
        int p = end;
        view.putByte(p, (byte) ((fin ? 0x80 : 0) | opcode));
        int maskBit = masking ? 0x80 : 0;
        if (length <= 125) {
            view.putByte(p + 1, (byte) (maskBit | length));
            p += 2;
        } else if (length <= 0xffff) {
            view.putByte(p + 1, (byte) (maskBit | 126));
            view.putShort(p + 2, (short) length, ByteOrder.BIG_ENDIAN);
            p += 4;
        } else {
            view.putByte(p + 1, (byte) (maskBit | 127));
            view.putLong(p + 2, length, ByteOrder.BIG_ENDIAN);
            p += 10;
        }
        return masking ? p + 4 : p;
    }

    private void maskInPlace(int payload, int length) {
        if (masking) {
            int key = nextMask();
            view.putInt(payload - 4, key, ByteOrder.BIG_ENDIAN);
            mask(view, payload, view, payload, length, key);
        }
    }

    private int nextMask() {
        long x = maskState;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        maskState = x;
        return (int) ((x * 0x2545F4914F6CDD1DL) >>> 32);
    }

    /** Copies {@code length} bytes XOR-ed with the key, eight at a time (the key repeats every four bytes). */
    private static void mask(DirectBuffer src, int offset, UnsafeBuffer dst, int at, int length, int key) {
        long key64 = (key & 0xffffffffL) | ((long) key << 32);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            dst.putLong(at + i, src.getLong(offset + i, ByteOrder.BIG_ENDIAN) ^ key64, ByteOrder.BIG_ENDIAN);
        }
        for (; i < length; i++) {
            dst.putByte(at + i, (byte) (src.getByte(offset + i) ^ (key >>> (24 - 8 * (i & 3)))));
        }
    }

    /** The UTF-8 length of {@code s}; an unpaired surrogate counts as one byte ('?'). */
    public static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private void encodeUtf8(CharSequence s, int at) {
        int p = at;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                view.putByte(p++, (byte) c);
            } else if (c < 0x800) {
                view.putByte(p++, (byte) (0xC0 | (c >> 6)));
                view.putByte(p++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                view.putByte(p++, (byte) (0xF0 | (cp >> 18)));
                view.putByte(p++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                view.putByte(p++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                view.putByte(p++, (byte) (0x80 | (cp & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                view.putByte(p++, (byte) '?');
            } else {
                view.putByte(p++, (byte) (0xE0 | (c >> 12)));
                view.putByte(p++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                view.putByte(p++, (byte) (0x80 | (c & 0x3F)));
            }
        }
    }
}
