package dev.hardlight.internal.codec;

import dev.hardlight.codec.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * {@link WireWriter} over a Netty buffer: values are encoded straight into the transport's pooled
 * buffer, with no intermediate array. Not thread-safe.
 */
public final class ByteBufWireWriter extends WireWriter {
    private final ByteBuf buf;
    private final int start;

    public ByteBufWireWriter(ByteBuf buf) {
        this.buf = buf;
        this.start = buf.writerIndex();
    }

    public ByteBuf buffer() {
        return buf;
    }

    @Override
    public void writeBoolean(boolean value) {
        buf.writeByte(value ? 1 : 0);
    }

    @Override
    public void writeByte(byte value) {
        buf.writeByte(value);
    }

    @Override
    public void writeShort(short value) {
        Varint.writeVarInt(buf, (value << 1) ^ (value >> 31));
    }

    @Override
    public void writeChar(char value) {
        Varint.writeVarInt(buf, value);
    }

    @Override
    public void writeInt(int value) {
        Varint.writeVarInt(buf, (value << 1) ^ (value >> 31));
    }

    @Override
    public void writeLong(long value) {
        Varint.writeVarLong(buf, (value << 1) ^ (value >> 63));
    }

    @Override
    public void writeFloat(float value) {
        buf.writeIntLE(Float.floatToRawIntBits(value));
    }

    @Override
    public void writeDouble(double value) {
        buf.writeLongLE(Double.doubleToRawLongBits(value));
    }

    @Override
    public void writeVarInt(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("varint: " + value + " (expected: >= 0)");
        }
        Varint.writeVarInt(buf, value);
    }

    @Override
    public void writeVarLong(long value) {
        Varint.writeVarLong(buf, value);
    }

    /** Strings written with an unpaired surrogate replaced: see {@link WireWriter#lossyStrings()}. */
    private int lossyStrings;

    @Override
    protected int lossyStrings() {
        return lossyStrings;
    }

    @Override
    public void writeString(String value) {
        String s = requireValue(value, "String");
        if (!writeAscii(s)) {
            int length = wellFormedUtf8Length(s);
            if (length >= 0) {
                Varint.writeVarInt(buf, length);
                ByteBufUtil.reserveAndWriteUtf8(buf, s, length);
            } else {
                // The JDK writes '?' for each unpaired surrogate and keeps the chars around it. (Netty's
                // encoder took the char after an unpaired high surrogate with it and wrote its low byte:
                // invalid UTF-8 from 0x80 up, and a char lost.)
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                Varint.writeVarInt(buf, utf8.length);
                buf.writeBytes(utf8);
                lossyStrings++;
            }
        }
    }

    /** The UTF-8 length of {@code s}, or -1 if it has an unpaired surrogate. */
    private static int wellFormedUtf8Length(String s) {
        long length = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (!Character.isSurrogate(c)) {
                length += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                return -1;
            }
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a String of " + length + " UTF-8 bytes (more than any message holds)");
        }
        return (int) length;
    }

    /**
     * Writes {@code s} with its length prefix in one pass over its chars when they are all ASCII
     * (then the UTF-8 length is the string's length), 8 chars a store; at the first other char,
     * returns {@code false} with the writer index back where it was.
     */
    private boolean writeAscii(String s) {
        int length = s.length();
        if (length > Integer.MAX_VALUE - 5) {
            return false; // the reservation below would overflow; no buffer holds it anyway
        }
        int start = buf.writerIndex();
        // Enough for any string (its UTF-8 form is never shorter than its char count), so that the
        // stores below never grow the buffer.
        buf.ensureWritable(Varint.sizeOf(length) + length);
        Varint.writeVarInt(buf, length);
        int i = 0;
        for (; length - i >= 8; i += 8) {
            long chunk = ascii(s, i, 8);
            if (chunk < 0) {
                buf.writerIndex(start);
                return false;
            }
            buf.writeLongLE(chunk);
        }
        if (i < length) {
            long chunk = ascii(s, i, length - i);
            if (chunk < 0) {
                buf.writerIndex(start);
                return false;
            }
            Varint.writeLittleEndian(buf, chunk, length - i);
        }
        return true;
    }

    /**
     * The {@code n} (1 to 8) chars of {@code s} from {@code from} as bytes in a long, first char in
     * the low byte; -1 if one of them is not ASCII.
     */
    private static long ascii(String s, int from, int n) {
        long chunk = 0;
        int any = 0;
        for (int k = 0; k < n; k++) {
            char c = s.charAt(from + k);
            any |= c;
            chunk |= (long) c << (8 * k);
        }
        return any < 0x80 ? chunk : -1;
    }

    @Override
    public void writeBytes(byte[] value) {
        byte[] b = requireValue(value, "byte[]");
        Varint.writeVarInt(buf, b.length);
        buf.writeBytes(b);
    }

    @Override
    public void writeRaw(byte[] value, int offset, int length) {
        buf.writeBytes(value, offset, length);
    }

    @Override
    public int writtenBytes() {
        return buf.writerIndex() - start;
    }

    @Override
    public int beginRecord() {
        int at = buf.writerIndex();
        buf.writeByte(0);
        return at;
    }

    @Override
    public void endRecord(int start) {
        int contentStart = start + 1;
        int length = buf.writerIndex() - contentStart;
        if (length < 0x80) {
            buf.setByte(start, length);
            return;
        }
        // The length takes more than the byte reserved: move the content right by the difference. No
        // size pre-pass over the value; only records of 128 bytes and more pay for this copy.
        int shift = Varint.sizeOf(length) - 1;
        buf.ensureWritable(shift);
        moveRight(contentStart, length, shift);
        buf.writerIndex(start);
        Varint.writeVarInt(buf, length);
        buf.writerIndex(contentStart + shift + length);
    }

    /**
     * Moves {@code length} bytes at {@code from} to {@code from + shift}, in place, on any kind of
     * buffer: copying from the end backwards, 8 bytes a step, never overwrites a byte before it is read.
     */
    private void moveRight(int from, int length, int shift) {
        int i = from + length;
        while (i - from >= 8) {
            i -= 8;
            buf.setLong(i + shift, buf.getLong(i));
        }
        while (i > from) {
            i--;
            buf.setByte(i + shift, buf.getByte(i));
        }
    }
}
