package dev.hardlight.internal.codec;

import dev.hardlight.codec.Codec;
import dev.hardlight.codec.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Test helpers: encode to bytes and decode from bytes with a codec. */
final class Wire {
    private Wire() {}

    static <T> byte[] encode(Codec<T> codec, T value) {
        ByteBuf buf = Unpooled.buffer();
        codec.encode(value, new ByteBufWireWriter(buf));
        return ByteBufUtil.getBytes(buf);
    }

    static <T> T decode(Codec<T> codec, byte[] bytes) {
        WireReader r = new ByteBufWireReader(Unpooled.wrappedBuffer(bytes));
        T value = codec.decode(r);
        r.expectEnd("value");
        return value;
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }

    static byte[] bytes(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    }
}
