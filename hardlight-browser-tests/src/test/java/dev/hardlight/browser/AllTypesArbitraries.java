package dev.hardlight.browser;

import dev.hardlight.Topic;
import dev.hardlight.browser.AllTypes.Boxes;
import dev.hardlight.browser.AllTypes.Circle;
import dev.hardlight.browser.AllTypes.Collections;
import dev.hardlight.browser.AllTypes.Color;
import dev.hardlight.browser.AllTypes.Empty;
import dev.hardlight.browser.AllTypes.Scalars;
import dev.hardlight.browser.AllTypes.Shape;
import dev.hardlight.browser.AllTypes.Square;
import dev.hardlight.browser.AllTypes.Texts;
import dev.hardlight.browser.AllTypes.Tree;
import dev.hardlight.codec.Codec;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik arbitraries of {@link AllTypes}: every wire type, with its edge values. */
final class AllTypesArbitraries {
    private AllTypesArbitraries() {}

    /** The encoding Java sends: the generated codec, as the server writes it. */
    static byte[] encode(AllTypes value) {
        return encode(LabCodecs.AllTypesCodec.INSTANCE, value);
    }

    static <T> byte[] encode(Codec<T> codec, T value) {
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.encode(value, new ByteBufWireWriter(buf));
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static AllTypes decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        ByteBufWireReader in = new ByteBufWireReader(buf);
        AllTypes value = LabCodecs.AllTypesCodec.INSTANCE.decode(in);
        in.expectEnd("AllTypes");
        return value;
    }

    /**
     * The bytes Java sends for {@code value} once it went over the wire: decoding then encoding fixes
     * the iteration order of its sets and maps to the order they were sent in.
     */
    static byte[] canonical(AllTypes value) {
        return encode(decode(encode(value)));
    }

    static Arbitrary<AllTypes> allTypes() {
        return Combinators.combine(scalars(), boxes(), texts(), collections(), trees(3)).as(AllTypes::new);
    }

    private static Arbitrary<String> strings() {
        // Any UTF-16 units, unpaired surrogates included (Java sends those as '?').
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.of("", "é", "日本語", "😀", "a\u0000b", "\uD800", "x".repeat(300)));
    }

    /** The string a peer reads back: UTF-8 as sent, an unpaired surrogate as '?' (protocol.md section 5). */
    private static String asSent(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static Arbitrary<Float> floats() {
        return Arbitraries.oneOf(Arbitraries.floats(),
                Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE));
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE,
                        0.1, 1e300));
    }

    private static Arbitrary<Long> longs() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L << 53, (1L << 53) + 1));
    }

    private static Arbitrary<Character> chars() {
        return Arbitraries.chars().all();
    }

    static Arbitrary<Scalars> scalars() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.bytes(), Arbitraries.shorts(), chars(),
                Arbitraries.integers(), longs(), floats(), doubles()).as(Scalars::new);
    }

    static Arbitrary<Boxes> boxes() {
        return Combinators.combine(Arbitraries.of(true, false).injectNull(0.3), Arbitraries.bytes().injectNull(0.3),
                Arbitraries.shorts().injectNull(0.3), chars().injectNull(0.3), Arbitraries.integers().injectNull(0.3),
                longs().injectNull(0.3), floats().injectNull(0.3), doubles().injectNull(0.3)).as(Boxes::new);
    }

    static Arbitrary<Texts> texts() {
        Arbitrary<byte[]> blobs = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<char[]> charArrays = chars().array(char[].class).ofMaxSize(8);
        Arbitrary<UUID> uuids = Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()));
        Arbitrary<Topic> topics = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Topic::of);
        Arbitrary<Instant> instants = Combinators.combine(
                Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<Duration> durations = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 999_999_999))
                .as((s, n) -> Duration.ofSeconds(s).withNanos(n));
        return Combinators.combine(strings(), blobs, charArrays, Arbitraries.of(Color.class), uuids, topics, instants, durations)
                .as(Texts::new);
    }

    static Arbitrary<Shape> shapes() {
        return Arbitraries.oneOf(doubles().map(Circle::new),
                Combinators.combine(Arbitraries.integers(), strings()).as(Square::new),
                Arbitraries.just(new Empty()));
    }

    static Arbitrary<Collections> collections() {
        Arbitrary<List<Shape>> shapes = shapes().list().ofMaxSize(5);
        // Set elements and map keys distinct as sent: "?" and an unpaired surrogate are both sent as '?',
        // so a set holding both would go out with a repeated element (malformed for every reader).
        var tags = strings().set().ofMaxSize(5).uniqueElements(AllTypesArbitraries::asSent);
        var scores = Arbitraries.maps(strings(), Arbitraries.integers().list().ofMaxSize(4)).ofMaxSize(4)
                .uniqueKeys(AllTypesArbitraries::asSent);
        Arbitrary<Optional<String>> maybe = strings().optional(0.5);
        Arbitrary<String> nullable = strings().injectNull(0.5);
        var words = strings().array(String[].class).ofMaxSize(4);
        var longArrays = longs().array(long[].class).ofMaxSize(6);
        var doubleArrays = doubles().array(double[].class).ofMaxSize(6);
        var flags = Arbitraries.of(true, false).array(boolean[].class).ofMaxSize(9);
        var ints = Arbitraries.integers().array(int[].class).ofMaxSize(6);
        Arbitrary<Object[]> first = Combinators.combine(shapes, tags, scores, maybe, nullable, words, longArrays, doubleArrays)
                .as((a, b, c, d, e, f, g, h) -> new Object[] {a, b, c, d, e, f, g, h});
        return Combinators.combine(first, flags, ints).as(AllTypesArbitraries::collections);
    }

    @SuppressWarnings("unchecked")
    private static Collections collections(Object[] v, boolean[] flags, int[] ints) {
        return new Collections((List<Shape>) v[0], (java.util.Set<String>) v[1], (java.util.Map<String, List<Integer>>) v[2],
                (Optional<String>) v[3], (String) v[4], (String[]) v[5], (long[]) v[6], (double[]) v[7], flags, ints);
    }

    static Arbitrary<Tree> trees(int depth) {
        if (depth == 0) {
            return Arbitraries.integers().map(i -> new Tree(i, List.of()));
        }
        return Combinators.combine(Arbitraries.integers(), trees(depth - 1).list().ofMaxSize(3)).as(Tree::new);
    }
}
