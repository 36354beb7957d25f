package dev.hardlight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.schema.Schema;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JSON parser and printer, and the schema-driven mapping against the golden byte vectors. */
@Timeout(30)
class JsonTest {
    static final WireJson SHAPES = new WireJson(Schema.parse("""
            service t
            method m(p:t.Point):void
            record t.Point(x:int,y:int)
            sealed t.Shape{t.Shape.Circle,t.Shape.Square}
            record t.Shape.Circle(radius:double)
            record t.Shape.Square(side:double)
            """));

    static String hex(String type, Object json) {
        ByteBuf buf = Unpooled.buffer();
        SHAPES.write(type, json, new ByteBufWireWriter(buf), "v");
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Object read(String type, String hex) {
        ByteBufWireReader in = new ByteBufWireReader(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
        Object v = SHAPES.read(type, in);
        in.expectEnd("the value");
        return v;
    }

    @Test
    void valuesEncodeToTheProtocolsGoldenVectors() {
        // test-vectors/v1: value-record, value-sealed, value-string, value-instant, value-duration
        assertThat(hex("t.Point", Json.parse("{\"x\": 1, \"y\": -2}"))).isEqualTo("020203");
        assertThat(hex("t.Shape", Json.parse("{\"$type\": \"Square\", \"side\": 1.5}"))).isEqualTo("0108000000000000f83f");
        assertThat(hex("string", "héllo")).isEqualTo("0668c3a96c6c6f");
        assertThat(hex("instant", "2026-11-24T00:00:00.5Z")).isEqualTo("80cea6b00d80cab5ee01");
        assertThat(hex("duration", "PT-1.5S")).isEqualTo("0380cab5ee01");
        assertThat(read("t.Shape", "0108000000000000f83f")).isEqualTo(Map.of("$type", "Square", "side", new java.math.BigDecimal("1.5")));
        assertThat(read("instant", "80cea6b00d80cab5ee01")).isEqualTo("2026-11-24T00:00:00.500000000Z");
        assertThat(read("duration", "0380cab5ee01")).isEqualTo("PT-1.5S");
        // the canonical name is accepted for $type as well
        assertThat(hex("t.Shape", Json.parse("{\"$type\": \"t.Shape.Square\", \"side\": 1.5}"))).isEqualTo("0108000000000000f83f");
    }

    @Test
    void aRecordFromAnOlderWriterGetsZerosAndOneFromANewerOneIsSkipped() {
        assertThat(read("t.Point", "0102")).isEqualTo(Map.of("x", new java.math.BigDecimal(1), "y", java.math.BigDecimal.ZERO));
        assertThat(read("t.Point", "03020405")).isEqualTo(Map.of("x", new java.math.BigDecimal(1), "y", new java.math.BigDecimal(2)));
    }

    @Test
    void theParserIsStrictAndSaysWhere() {
        assertThat(Json.parse(" {\"a\": [1, -0.5e3, true, null, \"\\u00e9\\n\"]} ")).isEqualTo(
                Map.of("a", java.util.Arrays.asList(new java.math.BigDecimal(1), new java.math.BigDecimal("-0.5e3"), true, null, "é\n")));
        for (String[] bad : new String[][] {
                {"{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate member \"a\""},
                {"[01]", "line 1, column 3: leading zero"},
                {"[1,]", "line 1, column 4: unexpected ']'"},
                {"// x\n1", "line 1, column 1: unexpected '/'"},
                {"\"a\tb\"", "line 1, column 3: control character U+0009"},
                {"[1] 2", "line 1, column 5: unexpected '2' after the value"},
                {"{\"a\"\n  1}", "line 2, column 3: unexpected '1': expected ':' after a member name"},
                {"tru", "did you mean true?"},
                {"", "unexpected end of input"},
                {"[".repeat(300), "nested deeper than 200"}}) {
            assertThatThrownBy(() -> Json.parse(bad[0])).as(bad[0]).isInstanceOf(Json.ParseException.class)
                    .hasMessageContaining(bad[1]);
        }
    }

    @Property(tries = 300)
    void anyStringPrintsAndParsesBack(@ForAll String s) {
        String text = Json.print(List.of(s, Map.of("k" + s, s)));
        Object back = Json.parse(text);
        // lone surrogates survive as \\u escapes
        assertThat(back).isEqualTo(List.of(s, Map.of("k" + s, s)));
    }

    @Test
    void theHistogramKnowsValuesWithin6Percent() {
        BenchCommand.Histogram h = new BenchCommand.Histogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i * 1000L);
        }
        assertThat(h.count()).isEqualTo(1000);
        assertThat(h.min()).isEqualTo(1000);
        assertThat(h.max()).isEqualTo(1_000_000);
        assertThat(h.percentile(50)).isBetween(500_000L, 530_000L);
        assertThat(h.percentile(99)).isBetween(990_000L, 1_000_000L);
        assertThat(h.percentile(100)).isEqualTo(1_000_000);
        assertThat(h.bars(10).stream().mapToLong(b -> b[1]).sum()).isEqualTo(1000);
        for (long v = 1; v < 1L << 40; v = v * 3 + 1) {
            int i = BenchCommand.Histogram.index(v);
            assertThat(BenchCommand.Histogram.upper(i)).as("%d", v).isGreaterThanOrEqualTo(v).isLessThanOrEqualTo(v + v / 16 + 1);
        }
    }
}
