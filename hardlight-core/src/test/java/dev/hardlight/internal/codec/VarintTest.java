package dev.hardlight.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class VarintTest {

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    private static String encode(int value) {
        ByteBuf buf = Unpooled.buffer();
        Varint.writeVarInt(buf, value);
        return ByteBufUtil.hexDump(buf);
    }

    @Test
    void encodesKnownValues() {
        assertThat(encode(0)).isEqualTo("00");
        assertThat(encode(1)).isEqualTo("01");
        assertThat(encode(127)).isEqualTo("7f");
        assertThat(encode(128)).isEqualTo("8001");
        assertThat(encode(300)).isEqualTo("ac02");
        assertThat(encode(16_383)).isEqualTo("ff7f");
        assertThat(encode(16_384)).isEqualTo("808001");
        assertThat(encode(Integer.MAX_VALUE)).isEqualTo("ffffffff07");
        assertThat(encode(-1)).isEqualTo("ffffffff0f");
    }

    @Property
    void intRoundTripsAndSizeIsExact(@ForAll int value) {
        ByteBuf buf = Unpooled.buffer();
        Varint.writeVarInt(buf, value);
        assertThat(buf.readableBytes()).isEqualTo(Varint.sizeOf(value));
        assertThat(Varint.readVarInt(buf, true)).isEqualTo(value);
        assertThat(buf.isReadable()).isFalse();
    }

    @Property
    void longRoundTrips(@ForAll long value) {
        ByteBuf buf = Unpooled.buffer();
        Varint.writeVarLong(buf, value);
        assertThat(Varint.readVarLong(buf)).isEqualTo(value);
        assertThat(buf.isReadable()).isFalse();
    }

    @Test
    void rejectsOverlongEncoding() {
        assertMalformed(() -> Varint.readVarInt(hex("8000"), false), "overlong");
        assertMalformed(() -> Varint.readVarLong(hex("ff00")), "overlong");
    }

    @Test
    void rejectsTruncatedVarint() {
        assertMalformed(() -> Varint.readVarInt(hex("80"), false), "truncated");
        assertMalformed(() -> Varint.readVarInt(hex(""), false), "truncated");
    }

    @Test
    void rejectsVarintWiderThanItsType() {
        assertMalformed(() -> Varint.readVarInt(hex("ffffffff10"), true), "32 bits");
        assertMalformed(() -> Varint.readVarInt(hex("ffffffff0f"), false), "31 bits");
        assertMalformed(() -> Varint.readVarInt(hex("ffffffffff01"), true), "longer than 5");
        assertMalformed(() -> Varint.readVarLong(hex("ffffffffffffffffff02")), "64 bits");
    }

    private static void assertMalformed(Runnable r, String fragment) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PROTOCOL_ERROR))
                .hasMessageContaining(fragment);
    }
}
