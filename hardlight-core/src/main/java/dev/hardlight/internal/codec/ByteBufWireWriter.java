package dev.hardlight.internal.codec;

import dev.hardlight.codec.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

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

    @Override
    public void writeString(String value) {
        String s = requireValue(value, "String");
        int length = ByteBufUtil.utf8Bytes(s);
        Varint.writeVarInt(buf, length);
        ByteBufUtil.reserveAndWriteUtf8(buf, s, length);
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
}
