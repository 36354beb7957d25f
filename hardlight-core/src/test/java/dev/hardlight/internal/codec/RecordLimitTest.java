package dev.hardlight.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.codec.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reader's limits: a record's reads stay inside its length, and what it does not read is skipped. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecordLimitTest {
    private static WireReader reader(String hex) {
        ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
        return new ByteBufWireReader(buf);
    }

    @Test
    void componentsAfterTheLastKnownOneAreSkippedAndTheNextValueIsRead() {
        WireReader r = reader("03 02 04 06  08"); // record(1, 2, 3), then an int 4 after it
        int limit = r.beginRecord();
        assertThat(r.readInt()).isEqualTo(1);
        assertThat(r.remaining()).isEqualTo(2);
        r.endRecord(limit);
        assertThat(r.readInt()).isEqualTo(4);
        r.expectEnd("the test");
    }

    @Test
    void missingComponentsAreSeenAsNothingLeft() {
        WireReader r = reader("01 02  08");
        int limit = r.beginRecord();
        assertThat(r.readInt()).isEqualTo(1);
        assertThat(r.hasMore()).isFalse();
        r.endRecord(limit);
        assertThat(r.hasMore()).isTrue();
    }

    @Test
    void readsNeverCrossTheLimit() {
        assertThatThrownBy(() -> readFirst("01 96 01")).isInstanceOf(RpcException.class).hasMessageContaining("truncated varint");
        assertThatThrownBy(() -> readFirstString("02 05 61 62 63 64 65")).hasMessageContaining("truncated: needed 5 more bytes, 1 left");
        assertThatThrownBy(() -> {
            WireReader r = reader("02 05 00  00 00 00 00 00");
            r.beginRecord();
            r.readCount();
        }).hasMessageContaining("count 5 exceeds the 1 bytes left");
        assertThatThrownBy(() -> reader("05 00").beginRecord()).hasMessageContaining("a value of 5 bytes with 1 bytes left");
    }

    private static void readFirst(String hex) {
        WireReader r = reader(hex);
        r.beginRecord();
        r.readInt();
    }

    private static void readFirstString(String hex) {
        WireReader r = reader(hex);
        r.beginRecord();
        r.readString();
    }

    @Test
    void nestingIsCountedPerLengthDelimitedValue() {
        ByteBuf nested = Unpooled.buffer();
        ByteBufWireWriter w = new ByteBufWireWriter(nested);
        int[] starts = new int[65];
        for (int i = 0; i < 65; i++) {
            starts[i] = w.beginRecord();
        }
        for (int i = 64; i >= 0; i--) {
            w.endRecord(starts[i]);
        }
        WireReader r = new ByteBufWireReader(nested);
        for (int i = 0; i < 64; i++) {
            r.beginRecord();
        }
        assertThatThrownBy(r::beginRecord).hasMessageContaining("values nested deeper than 64");
    }
}
