package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.codec.Codec;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the length-delimited format across contract versions ({@link Versions}): any value a v2
 * writer sends, a v1 reader reads as its own prefix of it, and any value a v1 writer sends, a v2 reader
 * reads with the appended components defaulted; nothing is left unread, and lists of records (whose
 * elements each carry their length) stay aligned.
 */
class EvolutionPropertiesTest {
    private final Versions.Version v1 = Versions.of("v1");
    private final Versions.Version v2 = Versions.of("v2");

    @SuppressWarnings("unchecked")
    private static Object roundTrip(Codec<?> writer, Codec<?> reader, Object value) {
        ByteBuf buf = Unpooled.buffer();
        ((Codec<Object>) writer).encode(value, new ByteBufWireWriter(buf));
        WireReader r = new ByteBufWireReader(buf);
        Object decoded = reader.decode(r);
        r.expectEnd("the value");
        return decoded;
    }

    @Property(tries = 300)
    void aNewerRecordReadsAsItsOlderPrefix(@ForAll String name, @ForAll int count, @ForAll int quantity) {
        Object newer = v2.record("Shop$Item", name, count, quantity);
        assertThat(roundTrip(v2.codec("Shop_ItemCodec"), v1.codec("Shop_ItemCodec"), newer))
                .isEqualTo(v1.record("Shop$Item", name));
    }

    @Property(tries = 300)
    void anOlderRecordReadsWithDefaults(@ForAll String name) {
        Object older = v1.record("Shop$Item", name);
        assertThat(roundTrip(v1.codec("Shop_ItemCodec"), v2.codec("Shop_ItemCodec"), older))
                .isEqualTo(v2.record("Shop$Item", name, 0, 1));
    }

    @Property(tries = 200)
    @SuppressWarnings("unchecked")
    void listsOfNewerRecordsStayAligned(@ForAll @Size(max = 20) List<String> names, @ForAll int count) {
        List<Object> newer = names.stream().map(n -> v2.record("Shop$Item", n, count, count ^ 7)).toList();
        Codec<?> writer = dev.hardlight.codec.Codecs.list(v2.codec("Shop_ItemCodec"));
        Codec<?> reader = dev.hardlight.codec.Codecs.list(v1.codec("Shop_ItemCodec"));
        assertThat((List<Object>) roundTrip(writer, reader, newer))
                .containsExactlyElementsOf(names.stream().map(n -> v1.record("Shop$Item", n)).toList());
    }

    @Property(tries = 200)
    void sealedValuesOfEitherVersionReadInTheOther(@ForAll double size, @ForAll boolean square) {
        Object newer = v2.record(square ? "Shop$Shape$Square" : "Shop$Shape$Circle", size);
        Object read = roundTrip(v2.codec("Shop_ShapeCodec"), v1.codec("Shop_ShapeCodec"), newer);
        assertThat(read).isEqualTo(square ? v1.record("Shop$Shape$Other") : v1.record("Shop$Shape$Circle", size));
        Object older = v1.record("Shop$Shape$Circle", size);
        assertThat(roundTrip(v1.codec("Shop_ShapeCodec"), v2.codec("Shop_ShapeCodec"), older))
                .isEqualTo(v2.record("Shop$Shape$Circle", size));
    }
}
