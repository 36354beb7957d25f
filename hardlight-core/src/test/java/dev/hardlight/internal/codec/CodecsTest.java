package dev.hardlight.internal.codec;

import static dev.hardlight.internal.codec.Wire.bytes;
import static dev.hardlight.internal.codec.Wire.decode;
import static dev.hardlight.internal.codec.Wire.encode;
import static dev.hardlight.internal.codec.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codec;
import dev.hardlight.codec.Codecs;
import dev.hardlight.codec.RepeatedValueException;
import dev.hardlight.codec.WireReader;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CodecsTest {

    @Test
    void integersAreZigZagVarints() {
        assertThat(hex(encode(Codecs.INT, 0))).isEqualTo("00");
        assertThat(hex(encode(Codecs.INT, -1))).isEqualTo("01");
        assertThat(hex(encode(Codecs.INT, 1))).isEqualTo("02");
        assertThat(hex(encode(Codecs.INT, 150))).isEqualTo("ac02");
        assertThat(hex(encode(Codecs.INT, Integer.MIN_VALUE))).isEqualTo("ffffffff0f");
        assertThat(hex(encode(Codecs.LONG, Long.MIN_VALUE))).isEqualTo("ffffffffffffffffff01");
        assertThat(hex(encode(Codecs.SHORT, (short) -2))).isEqualTo("03");
    }

    @Test
    void floatsAreLittleEndianIeee754() {
        assertThat(hex(encode(Codecs.FLOAT, 1.0f))).isEqualTo("0000803f");
        assertThat(hex(encode(Codecs.DOUBLE, -2.0))).isEqualTo("00000000000000c0");
        assertThat(decode(Codecs.DOUBLE, encode(Codecs.DOUBLE, Double.NaN))).isNaN();
    }

    @Test
    void stringsAreLengthPrefixedUtf8() {
        assertThat(hex(encode(Codecs.STRING, ""))).isEqualTo("00");
        assertThat(hex(encode(Codecs.STRING, "hé"))).isEqualTo("0368c3a9");
        assertThat(decode(Codecs.STRING, bytes("0368c3a9"))).isEqualTo("hé");
        String emoji = "a\uD83D\uDE00z";
        assertThat(decode(Codecs.STRING, encode(Codecs.STRING, emoji))).isEqualTo(emoji);
    }

    @Test
    void rejectsInvalidUtf8() {
        assertMalformed(Codecs.STRING, "02c328", "invalid UTF-8");
        assertMalformed(Codecs.STRING, "03eda080", "invalid UTF-8"); // an encoded surrogate
        assertMalformed(Codecs.STRING, "02c0af", "invalid UTF-8"); // overlong '/'
    }

    @Test
    void rejectsBooleanOtherThanZeroOrOne() {
        assertMalformed(Codecs.BOOLEAN, "02", "boolean byte 2");
    }

    @Test
    void rejectsTruncationEverywhere() {
        assertMalformed(Codecs.STRING, "05616263", "truncated");
        assertMalformed(Codecs.DOUBLE, "0000", "truncated");
        assertMalformed(Codecs.UUID, "00112233", "truncated");
        assertMalformed(Codecs.INT, "", "truncated");
    }

    @Test
    void rejectsCountLargerThanTheMessage() {
        assertMalformed(Codecs.list(Codecs.INT), "ffffffff07", "exceeds");
        assertMalformed(Codecs.INT_ARRAY, "0a0102", "exceeds");
    }

    @Test
    void rejectsDuplicatesInSetsAndMaps() {
        assertMalformed(Codecs.set(Codecs.INT), "020202", "duplicate element");
        assertMalformed(Codecs.map(Codecs.INT, Codecs.INT), "0202000204", "duplicate key");
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertMalformed(Codecs.SHORT, "808004", "short out of range");
        assertMalformed(Codecs.CHAR, "80800400", "char out of range");
        assertMalformed(Codecs.DURATION, "00ffffffff03", "nanoseconds");
    }

    @Test
    void timeAndUuidLayouts() {
        Instant t = Instant.ofEpochSecond(-1, 500);
        assertThat(hex(encode(Codecs.INSTANT, t))).isEqualTo("01f403");
        assertThat(decode(Codecs.INSTANT, encode(Codecs.INSTANT, t))).isEqualTo(t);
        Duration d = Duration.ofSeconds(90, 1);
        assertThat(decode(Codecs.DURATION, encode(Codecs.DURATION, d))).isEqualTo(d);
        UUID u = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        assertThat(hex(encode(Codecs.UUID, u))).isEqualTo("00112233445566778899aabbccddeeff");
    }

    @Test
    void aListIsTheSameBytesWhateverItsImplementation() {
        Codec<List<String>> codec = Codecs.list(Codecs.STRING);
        String expected = "03" + "0161" + "00" + "0363c3a9";
        assertThat(hex(encode(codec, List.of("a", "", "cé")))).isEqualTo(expected);
        assertThat(hex(encode(codec, new ArrayList<>(List.of("a", "", "cé"))))).isEqualTo(expected);
        assertThat(hex(encode(codec, new LinkedList<>(List.of("a", "", "cé"))))).isEqualTo(expected); // not RandomAccess
        assertThat(hex(encode(codec, new LinkedList<>()))).isEqualTo("00");
    }

    @Test
    void containersKeepOrderAndAreUnmodifiable() {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        m.put("z", List.of(1, 2));
        m.put("a", List.of());
        Codec<Map<String, List<Integer>>> codec = Codecs.map(Codecs.STRING, Codecs.list(Codecs.INT));
        Map<String, List<Integer>> back = decode(codec, encode(codec, m));
        assertThat(back).containsExactly(Map.entry("z", List.of(1, 2)), Map.entry("a", List.of()));
        assertThatThrownBy(() -> back.put("b", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThat(decode(Codecs.set(Codecs.STRING), encode(Codecs.set(Codecs.STRING), Set.of("x")))).containsExactly("x");
    }

    @Test
    void optionalAndNullableShareALayout() {
        Codec<Optional<String>> opt = Codecs.optional(Codecs.STRING);
        Codec<String> nul = Codecs.nullable(Codecs.STRING);
        assertThat(hex(encode(opt, Optional.of("a")))).isEqualTo(hex(encode(nul, "a"))).isEqualTo("010161");
        assertThat(hex(encode(opt, Optional.empty()))).isEqualTo(hex(encode(nul, null))).isEqualTo("00");
        assertThat(decode(nul, bytes("00"))).isNull();
    }

    /**
     * "?" and an unpaired surrogate are distinct Java strings sent as the same byte: a set or map
     * holding both (directly, or inside records or lists) would be refused by every reader, so the
     * encoder refuses it, with INVALID_ARGUMENT. Distinct after the replacement, it is sent.
     */
    @Test
    void aSetOrMapWhoseValuesBecomeOneWhenSentIsRefusedBySending() {
        Codec<Set<String>> strings = Codecs.set(Codecs.STRING);
        Set<String> clash = new LinkedHashSet<>(List.of("a", "?", "\uD800"));
        assertThatThrownBy(() -> encode(strings, clash)).isInstanceOfSatisfying(RepeatedValueException.class,
                e -> assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT)).hasMessageContaining("elements of a Set")
                .hasMessageContaining("unpaired surrogate");
        Map<String, Integer> keys = new LinkedHashMap<>();
        keys.put("x\uDC00", 1);
        keys.put("x?", 2);
        assertThatThrownBy(() -> encode(Codecs.map(Codecs.STRING, Codecs.INT), keys)).isInstanceOf(RepeatedValueException.class)
                .hasMessageContaining("keys of a Map");
        // nested: lists of strings as elements
        Set<List<String>> nested = new LinkedHashSet<>(List.of(List.of("k", "\uDBFF"), List.of("k", "?")));
        assertThatThrownBy(() -> encode(Codecs.set(Codecs.list(Codecs.STRING)), nested)).isInstanceOf(RepeatedValueException.class);
        // values may repeat in a map; distinct elements after the replacement are sent, and read back
        Map<String, String> values = new LinkedHashMap<>();
        values.put("a", "?");
        values.put("b", "\uD800");
        assertThat(decode(Codecs.map(Codecs.STRING, Codecs.STRING), encode(Codecs.map(Codecs.STRING, Codecs.STRING), values)))
                .containsExactly(Map.entry("a", "?"), Map.entry("b", "?"));
        Set<String> distinct = new LinkedHashSet<>(List.of("\uD800", "\uDC00!", "??"));
        assertThat(decode(strings, encode(strings, distinct))).containsExactly("?", "?!", "??");
    }

    @Test
    void nullWhereNotAllowedFailsLocallyWithInvalidArgument() {
        assertThatThrownBy(() -> encode(Codecs.STRING, null))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT))
                .hasMessageContaining("@Nullable");
        assertThatThrownBy(() -> encode(Codecs.list(Codecs.STRING), Arrays.asList("a", null)))
                .isInstanceOf(RpcException.class);
    }

    @Test
    void arrays() {
        String[] a = {"x", "y"};
        assertThat(decode(Codecs.array(Codecs.STRING, String[]::new), encode(Codecs.array(Codecs.STRING, String[]::new), a)))
                .containsExactly("x", "y");
        assertThat(hex(encode(Codecs.INT_ARRAY, new int[] {1, -1}))).isEqualTo("020201");
        assertThat(decode(Codecs.LONG_ARRAY, encode(Codecs.LONG_ARRAY, new long[] {Long.MAX_VALUE}))).containsExactly(Long.MAX_VALUE);
    }

    @Test
    void nestingIsBounded() {
        WireReader r = new ByteBufWireReader(Unpooled.buffer());
        for (int i = 0; i < WireReader.MAX_DEPTH; i++) {
            r.enter();
        }
        assertThatThrownBy(r::enter).isInstanceOf(RpcException.class).hasMessageContaining("nested deeper");
    }

    private static void assertMalformed(Codec<?> codec, String hex, String fragment) {
        assertThatThrownBy(() -> decode(codec, bytes(hex)))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PROTOCOL_ERROR))
                .hasMessageContaining(fragment);
    }
}
