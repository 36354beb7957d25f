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
        } else {
            writeVarLong(buf, value & 0xFFFFFFFFL);
        }
    }

    /**
     * Writes the 64 bits of {@code value} as unsigned. A varint of more than one byte is spread into a
     * long first (see {@link #spread}) and written with one store, two from 5 bytes up, instead of a
     * bounds-checked store per byte.
     */
    public static void writeVarLong(ByteBuf buf, long value) {
        if ((value & ~0x7FL) == 0) {
            buf.writeByte((int) value);
            return;
        }
        int size = sizeOf(value);
        if (size <= 8) {
            writeLittleEndian(buf, spread(value, size), size);
        } else {
            // 9 or 10 bytes: the low 56 bits as 8 bytes that all continue, then the rest.
            buf.writeLongLE(spread(value, 8) | CONTINUE_ALL);
            writeLittleEndian(buf, spread(value >>> 56, size - 8), size - 8);
        }
    }

    /** Writes the low {@code size} bytes (1 to 8) of {@code bytes}, least significant first. */
    static void writeLittleEndian(ByteBuf buf, long bytes, int size) {
        switch (size) {
            case 1 -> buf.writeByte((int) bytes);
            case 2 -> buf.writeShortLE((int) bytes);
            case 3 -> buf.writeMediumLE((int) bytes);
            case 4 -> buf.writeIntLE((int) bytes);
            case 5 -> {
                buf.writeIntLE((int) bytes);
                buf.writeByte((int) (bytes >>> 32));
            }
            case 6 -> {
                buf.writeIntLE((int) bytes);
                buf.writeShortLE((int) (bytes >>> 32));
            }
            case 7 -> {
                buf.writeIntLE((int) bytes);
                buf.writeMediumLE((int) (bytes >>> 32));
            }
            case 8 -> buf.writeLongLE(bytes);
            default -> throw new IllegalArgumentException("size: " + size + " (expected: 1 to 8)");
        }
    }

    private static final long CONTINUE_ALL = 0x8080808080808080L;

    /**
     * The first {@code size} bytes (at most 8) of {@code value}'s varint, least significant first in
     * a long: the low {@code 7 * size} bits of {@code value}, 7 a byte, with the continuation bit on
     * every byte but the last. {@code size} is {@link #sizeOf(long)} of {@code value}, or 8 for the
     * first 8 bytes of a longer varint (bits 56 and up are left out; the caller continues them).
     */
    static long spread(long value, int size) {
        long groups = (value & 0x7FL)
                | (value & (0x7FL << 7)) << 1
                | (value & (0x7FL << 14)) << 2
                | (value & (0x7FL << 21)) << 3
                | (value & (0x7FL << 28)) << 4
                | (value & (0x7FL << 35)) << 5
                | (value & (0x7FL << 42)) << 6
                | (value & (0x7FL << 49)) << 7;
        // size - 1 continuation bits: 0x80 in every byte below the last one.
        return groups | (CONTINUE_ALL & ((1L << (8 * (size - 1))) - 1));
    }

    /** The number of bytes {@link #writeVarInt} writes for {@code value}. */
    public static int sizeOf(int value) {
        return (38 - Integer.numberOfLeadingZeros(value | 1)) / 7;
    }

    /** The number of bytes {@link #writeVarLong} writes for {@code value}. */
    public static int sizeOf(long value) {
        return (70 - Long.numberOfLeadingZeros(value | 1)) / 7;
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
                    throw WireReader.malformed(allow32 ? "varint exceeds 32 bits" : "varint exceeds 31 bits");
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
