package dev.hardlight.internal.codec;

import dev.hardlight.codec.WireReader;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@link WireReader} over the readable bytes of a Netty buffer, reading in place. Every read checks
 * the bytes left before the current limit first (the end of the record being read, else the buffer's
 * writer index), so truncated input fails with the protocol's exception, never an
 * {@code IndexOutOfBoundsException}, and a record's reads never run into the bytes after it. The
 * buffer's indices other than its reader index are never changed. Not thread-safe.
 */
public final class ByteBufWireReader extends WireReader {
    private final ByteBuf buf;
    /** The absolute index reads must stay below: the current record's end, or the buffer's writer index. */
    private int limit;

    public ByteBufWireReader(ByteBuf buf) {
        this.buf = buf;
        this.limit = buf.writerIndex();
    }

    private void need(int n) {
        int left = limit - buf.readerIndex();
        if (left < n) {
            throw malformed("truncated: needed " + n + " more bytes, " + left + " left");
        }
    }

    /** A varint may have read past the limit (the buffer's own bound is checked by Varint). */
    private void checkLimit() {
        if (buf.readerIndex() > limit) {
            throw malformed("truncated varint");
        }
    }

    @Override
    protected int pushLimit(int length) {
        int saved = limit;
        limit = buf.readerIndex() + length;
        return saved;
    }

    @Override
    protected void popLimit(int saved) {
        buf.readerIndex(limit);
        limit = saved;
    }

    @Override
    protected void skip(int n) {
        need(n);
        buf.skipBytes(n);
    }

    @Override
    public boolean readBoolean() {
        need(1);
        byte b = buf.readByte();
        if (b == 0) return false;
        if (b == 1) return true;
        throw malformed("boolean byte " + (b & 0xFF) + " (expected: 0 or 1)");
    }

    @Override
    public byte readByte() {
        need(1);
        return buf.readByte();
    }

    @Override
    public short readShort() {
        int v = Varint.readVarInt(buf, true);
        checkLimit();
        int decoded = (v >>> 1) ^ -(v & 1);
        if (decoded != (short) decoded) {
            throw malformed("short out of range: " + decoded);
        }
        return (short) decoded;
    }

    @Override
    public char readChar() {
        int v = Varint.readVarInt(buf, true);
        checkLimit();
        if ((v & ~0xFFFF) != 0) {
            throw malformed("char out of range: " + Integer.toUnsignedString(v));
        }
        return (char) v;
    }

    @Override
    public int readInt() {
        int v = Varint.readVarInt(buf, true);
        checkLimit();
        return (v >>> 1) ^ -(v & 1);
    }

    @Override
    public long readLong() {
        long v = Varint.readVarLong(buf);
        checkLimit();
        return (v >>> 1) ^ -(v & 1);
    }

    @Override
    public float readFloat() {
        need(4);
        return Float.intBitsToFloat(buf.readIntLE());
    }

    @Override
    public double readDouble() {
        need(8);
        return Double.longBitsToDouble(buf.readLongLE());
    }

    @Override
    public int readVarInt() {
        int v = Varint.readVarInt(buf, false);
        checkLimit();
        return v;
    }

    @Override
    public long readVarLong() {
        long v = Varint.readVarLong(buf);
        checkLimit();
        return v;
    }

    @Override
    public String readString() {
        int length = readVarInt();
        need(length);
        int index = buf.readerIndex();
        if (isAscii(index, length)) {
            String s = buf.toString(index, length, StandardCharsets.US_ASCII);
            buf.skipBytes(length);
            return s;
        }
        ByteBuffer bytes = buf.nioBuffer(index, length);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
            buf.skipBytes(length);
            return s;
        } catch (CharacterCodingException e) {
            throw malformed("invalid UTF-8 in a string");
        }
    }

    private boolean isAscii(int index, int length) {
        int end = index + length;
        int i = index;
        for (; i + 8 <= end; i += 8) {
            if ((buf.getLong(i) & 0x8080808080808080L) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (buf.getByte(i) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public byte[] readBytes() {
        return readRaw(readVarInt());
    }

    @Override
    public byte[] readRaw(int length) {
        need(length);
        byte[] b = new byte[length];
        buf.readBytes(b);
        return b;
    }

    @Override
    public int remaining() {
        return limit - buf.readerIndex();
    }
}
