package dev.hardlight.internal.codec;

import dev.hardlight.codec.WireReader;
import io.netty.buffer.ByteBuf;

/**
 * Unsigned LEB128 varints: 7 bits a byte, least significant group first, high bit set on every byte
 * but the last. Decoding is strict: an encoding longer than needed (a last byte of 0 after the first)
 * or longer than the type allows is malformed, so every value has exactly one spelling.
 */
public final class Varint {
    private Varint() {}

    /** Writes the 32 bits of {@code value} as unsigned. */
    public static void writeVarInt(ByteBuf buf, int value) {
        if ((value & ~0x7F) == 0) {
            buf.writeByte(value);
            return;
        }
        if ((value & ~0x3FFF) == 0) {
            buf.writeShort(((value & 0x7F) | 0x80) << 8 | (value >>> 7));
            return;
        }
        while ((value & ~0x7F) != 0) {
            buf.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf.writeByte(value);
    }

    public static void writeVarLong(ByteBuf buf, long value) {
        while ((value & ~0x7FL) != 0) {
            buf.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buf.writeByte((int) value);
    }

    /** The number of bytes {@link #writeVarInt} writes for {@code value}. */
    public static int sizeOf(int value) {
        return (38 - Integer.numberOfLeadingZeros(value | 1)) / 7;
    }

    /**
     * Reads a varint of at most 5 bytes. With {@code allow32} all 32 bits may be set (ZigZag values);
     * otherwise the value must fit in 31 bits (counts, lengths, tags, ids).
     */
    public static int readVarInt(ByteBuf buf, boolean allow32) {
        int result = 0;
        for (int shift = 0, i = 0; i < 5; i++, shift += 7) {
            if (!buf.isReadable()) {
                throw WireReader.malformed("truncated varint");
            }
            int b = buf.readByte();
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                if (b == 0 && i > 0) {
                    throw WireReader.malformed("overlong varint");
                }
                if (i == 4 && (b & 0x70) != 0) {
                    throw WireReader.malformed("varint exceeds 32 bits");
                }
                if (!allow32 && result < 0) {
                    throw WireReader.malformed("varint exceeds 31 bits");
                }
                return result;
            }
        }
        throw WireReader.malformed("varint longer than 5 bytes");
    }

    public static long readVarLong(ByteBuf buf) {
        long result = 0;
        for (int shift = 0, i = 0; i < 10; i++, shift += 7) {
            if (!buf.isReadable()) {
                throw WireReader.malformed("truncated varint");
            }
            int b = buf.readByte();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                if (b == 0 && i > 0) {
                    throw WireReader.malformed("overlong varint");
                }
                if (i == 9 && b > 1) {
                    throw WireReader.malformed("varint exceeds 64 bits");
                }
                return result;
            }
        }
        throw WireReader.malformed("varint longer than 10 bytes");
    }
}
