package dev.hardlight.internal.codec;

import static dev.hardlight.internal.codec.Wire.decode;
import static dev.hardlight.internal.codec.Wire.encode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codec;
import dev.hardlight.codec.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** encode then decode is the identity; decoding arbitrary bytes fails only with the protocol's exception. */
class CodecPropertiesTest {

    private static <T> void roundTrips(Codec<T> codec, T value) {
        assertThat(decode(codec, encode(codec, value))).isEqualTo(value);
    }

    @Property
    void primitives(@ForAll boolean z, @ForAll byte b, @ForAll short s, @ForAll char c, @ForAll int i,
                    @ForAll long l, @ForAll float f, @ForAll double d) {
        roundTrips(Codecs.BOOLEAN, z);
        roundTrips(Codecs.BYTE, b);
        roundTrips(Codecs.SHORT, s);
        roundTrips(Codecs.CHAR, c);
        roundTrips(Codecs.INT, i);
        roundTrips(Codecs.LONG, l);
        assertThat(Float.floatToRawIntBits(decode(Codecs.FLOAT, encode(Codecs.FLOAT, f)))).isEqualTo(Float.floatToRawIntBits(f));
        assertThat(Double.doubleToRawLongBits(decode(Codecs.DOUBLE, encode(Codecs.DOUBLE, d)))).isEqualTo(Double.doubleToRawLongBits(d));
    }

    @Property
    void strings(@ForAll("wellFormedStrings") String s) {
        roundTrips(Codecs.STRING, s);
    }

    @Provide
    Arbitrary<String> wellFormedStrings() {
        // Any code point (surrogate pairs included), never an unpaired surrogate: those are sent as '?'.
        return Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list().ofMaxSize(40)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    @Property
    void bytesAndTime(@ForAll byte[] bytes, @ForAll long seconds, @ForAll("nanos") int nanos, @ForAll long msb, @ForAll long lsb) {
        assertThat(decode(Codecs.BYTES, encode(Codecs.BYTES, bytes))).isEqualTo(bytes);
        roundTrips(Codecs.DURATION, Duration.ofSeconds(seconds, nanos));
        long clamped = Math.floorMod(seconds, Instant.MAX.getEpochSecond() - Instant.MIN.getEpochSecond()) + Instant.MIN.getEpochSecond();
        roundTrips(Codecs.INSTANT, Instant.ofEpochSecond(clamped, nanos));
        roundTrips(Codecs.UUID, new UUID(msb, lsb));
    }

    @Provide
    Arbitrary<Integer> nanos() {
        return Arbitraries.integers().between(0, 999_999_999);
    }

    @Property
    void containers(@ForAll List<@net.jqwik.api.constraints.AlphaChars String> list, @ForAll Set<Integer> set,
                    @ForAll Map<Long, List<Boolean>> map, @ForAll Optional<Integer> opt) {
        roundTrips(Codecs.list(Codecs.STRING), list);
        roundTrips(Codecs.set(Codecs.INT), set);
        roundTrips(Codecs.map(Codecs.LONG, Codecs.list(Codecs.BOOLEAN)), map);
        roundTrips(Codecs.optional(Codecs.INT), opt);
    }

    @Property
    void decodingArbitraryBytesFailsOnlyWithTheProtocolException(@ForAll byte[] junk) {
        List<Codec<?>> codecs = List.of(Codecs.STRING, Codecs.INSTANT, Codecs.map(Codecs.STRING, Codecs.list(Codecs.DOUBLE)),
                Codecs.set(Codecs.UUID), Codecs.optional(Codecs.BYTES), Codecs.CHAR_ARRAY, Codecs.SHORT);
        for (Codec<?> codec : codecs) {
            try {
                decode(codec, junk);
            } catch (RpcException e) {
                assertThat(e.status()).isEqualTo(Status.PROTOCOL_ERROR);
            }
        }
    }
}
