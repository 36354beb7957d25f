package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.codec.Codec;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URLClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property-based tests of generated codecs: a contract with records, enums, sealed interfaces,
 * collections, Optional, arrays, Instant, Duration, UUID, Topic and recursive types is compiled in memory;
 * random values are built reflectively from the generated classes' record components (every record,
 * enum constant and permitted subtype reachable, empty and large collections, any Unicode text,
 * negative numbers, extreme values, NaN); each must survive encode then decode, and any bytes must
 * decode or fail with {@code PROTOCOL_ERROR}, nothing else.
 */
class CodecPropertiesTest {
    static final Map<String, String> CONTRACT = Map.of(
            "rnd.Rand", """
                    package rnd;

                    import dev.hardlight.Rpc;

                    @Rpc(state = Root.class, events = Expr.class)
                    public interface Rand {
                        Root root(Root r);

                        Expr expr(Expr e);

                        Tree tree(Tree t);
                    }
                    """,
            "rnd.Root", """
                    package rnd;

                    import dev.hardlight.ConnectionState;
                    import dev.hardlight.Nullable;
                    import dev.hardlight.Topic;
                    import java.time.Duration;
                    import java.time.Instant;
                    import java.util.List;
                    import java.util.Map;
                    import java.util.Optional;
                    import java.util.Set;
                    import java.util.UUID;

                    @ConnectionState
                    public record Root(boolean z, byte b, short s, char c, int i, long l, float f, double d,
                                       Integer boxed, Character boxedChar, @Nullable String note, String text,
                                       byte[] blob, Instant at, Duration dur, UUID id, Level level,
                                       List<String> strings, Set<Integer> ints, Map<String, Level> byName,
                                       Optional<Long> maybe, int[] intArray, long[] longs, double[] doubles,
                                       boolean[] flags, char[] chars, String[] names, int[][] grid, Tree tree,
                                       Expr expr, List<Optional<Tree>> forest, @Nullable Expr maybeExpr,
                                       Map<Level, List<byte[]>> blobs, Optional<Root> parent, Topic topic,
                                       Map<Topic, Set<Topic>> topics) {}
                    """,
            "rnd.Tree", """
                    package rnd;

                    import java.util.List;

                    public record Tree(int v, List<Tree> children) {}
                    """,
            "rnd.Expr", """
                    package rnd;

                    import java.util.List;

                    public sealed interface Expr {
                        record Num(long value) implements Expr {}

                        record Sum(List<Expr> terms) implements Expr {}

                        record Neg(Expr inner) implements Expr {}

                        enum Const implements Expr { ZERO, ONE }

                        sealed interface Unary extends Expr {}

                        record Abs(Expr inner) implements Unary {}

                        record Empty() implements Unary {}
                    }
                    """,
            "rnd.Level", """
                    package rnd;

                    public enum Level { LOW, MID, HIGH }
                    """);

    /** Components annotated {@code @Nullable} (a CLASS-retention annotation, invisible to reflection). */
    private static final Set<String> NULLABLE = Set.of("rnd.Root.note", "rnd.Root.maybeExpr");
    /** How deeply records and sealed values nest in generated values (the reader allows 64). */
    private static final int DEPTH = 4;

    private static final Loaded LOADED = new Loaded();

    /** The contract, compiled and loaded once for every property. */
    private static final class Loaded {
        final URLClassLoader loader;
        final ServiceDescriptor<?> descriptor;
        final StateCodec<Object> state;
        final Map<String, Arbitrary<Object>> cache = new HashMap<>();

        @SuppressWarnings("unchecked")
        Loaded() {
            Compilation c = Compilation.compile(CONTRACT);
            assertThat(c.success).as(c.report()).isTrue();
            loader = c.classLoader(); // lives as long as the test JVM
            try {
                descriptor = (ServiceDescriptor<?>) loader.loadClass("rnd.RandSchema").getField("DESCRIPTOR").get(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            state = (StateCodec<Object>) descriptor.state();
            for (String nullable : NULLABLE) {
                String component = nullable.substring(nullable.lastIndexOf('.') + 1);
                assertThat(descriptor.schema()).containsPattern("[(,]" + component + ":[^,)]*\\?[,)]");
            }
        }

        Class<?> type(String name) {
            try {
                return loader.loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }

        @SuppressWarnings("unchecked")
        Codec<Object> eventCodec() {
            return (Codec<Object>) descriptor.events().codec();
        }

        @SuppressWarnings("unchecked")
        Codec<Object> returnCodec(String method) {
            return (Codec<Object>) descriptor.method(method).returnCodec();
        }
    }

    // ---- arbitraries built from the loaded classes ----

    private static Arbitrary<Object> values(Class<?> type) {
        return Objects.requireNonNull(arbitrary(type, false, DEPTH), type.getName());
    }

    /** Values of {@code type}; {@code null} when none can be built within {@code depth} nested records. */
    private static Arbitrary<Object> arbitrary(Type type, boolean nullable, int depth) {
        String key = type.getTypeName() + (nullable ? "?" : "") + "@" + depth;
        if (LOADED.cache.containsKey(key)) {
            return LOADED.cache.get(key);
        }
        Arbitrary<Object> a = build(type, depth);
        if (nullable) {
            a = a == null ? Arbitraries.just(null) : a.injectNull(0.2);
        }
        LOADED.cache.put(key, a);
        return a;
    }

    private static Arbitrary<Object> build(Type type, int depth) {
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            Class<?> raw = (Class<?>) p.getRawType();
            Arbitrary<Object> element = arbitrary(args[0], false, depth);
            int max = leaf(args[0]) ? 300 : 4;
            if (raw == List.class) {
                return element == null ? Arbitraries.just(List.of())
                        : element.list().ofMaxSize(max).withSizeDistribution(RandomDistribution.uniform()).map(x -> x);
            } else if (raw == Set.class) {
                return element == null ? Arbitraries.just(Set.of()) : element.set().ofMaxSize(max).map(x -> x);
            } else if (raw == Optional.class) {
                return element == null ? Arbitraries.just(Optional.empty())
                        : element.optional(0.6).map(x -> x);
            } else if (raw == Map.class) {
                Arbitrary<Object> value = arbitrary(args[1], false, depth);
                return value == null ? Arbitraries.just(Map.of())
                        : Arbitraries.maps(element, value).ofMaxSize(leaf(args[1]) ? 50 : 4).map(x -> x);
            }
            throw new AssertionError("unexpected " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == boolean.class || c == Boolean.class) {
            return Arbitraries.of(true, false).map(x -> x);
        } else if (c == byte.class || c == Byte.class) {
            return Arbitraries.bytes().map(x -> x);
        } else if (c == short.class || c == Short.class) {
            return Arbitraries.shorts().map(x -> x);
        } else if (c == char.class || c == Character.class) {
            return Arbitraries.chars().map(x -> x);
        } else if (c == int.class || c == Integer.class) {
            return Arbitraries.integers().map(x -> x);
        } else if (c == long.class || c == Long.class) {
            return Arbitraries.longs().map(x -> x);
        } else if (c == float.class || c == Float.class) {
            return Arbitraries.oneOf(Arbitraries.floats(), Arbitraries.of(Float.NaN, Float.NEGATIVE_INFINITY,
                    Float.POSITIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE)).map(x -> x);
        } else if (c == double.class || c == Double.class) {
            return Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(Double.NaN, Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY, -0.0d, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE))
                    .map(x -> x);
        } else if (c == String.class) {
            return unicode().map(x -> x);
        } else if (c == byte[].class) {
            return Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)
                    .withSizeDistribution(RandomDistribution.uniform()).map(x -> x);
        } else if (c == Instant.class) {
            return Combinators.combine(Arbitraries.longs().between(Instant.MIN.getEpochSecond(),
                            Instant.MAX.getEpochSecond()), Arbitraries.integers().between(0, 999_999_999))
                    .as((s, n) -> (Object) Instant.ofEpochSecond(s, n));
        } else if (c == Duration.class) {
            return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 999_999_999))
                    .as((s, n) -> (Object) Duration.ofSeconds(s, n));
        } else if (c == UUID.class) {
            return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((m, l) -> (Object) new UUID(m, l));
        } else if (c == Topic.class) {
            return Arbitraries.oneOf(
                    Arbitraries.bytes().array(byte[].class).ofMaxSize(Topic.MAX_LENGTH)
                            .withSizeDistribution(RandomDistribution.uniform()).map(Topic::of),
                    unicode().map(Topic::of),
                    Arbitraries.just(Topic.EMPTY)).map(x -> x);
        } else if (c.isEnum()) {
            return Arbitraries.of(c.getEnumConstants());
        } else if (c.isArray()) {
            Arbitrary<Object> element = arbitrary(c.getComponentType(), false, depth);
            Class<?> component = c.getComponentType();
            Function<List<Object>, Object> toArray = list -> {
                Object array = Array.newInstance(component, list.size());
                for (int i = 0; i < list.size(); i++) {
                    Array.set(array, i, list.get(i));
                }
                return array;
            };
            return element.list().ofMaxSize(leaf(component) ? 300 : 4).map(toArray);
        } else if (c.isRecord()) {
            return depth <= 0 ? null : record(c, depth);
        } else if (c.isSealed()) {
            if (depth <= 0) {
                return null;
            }
            List<Arbitrary<Object>> subtypes = new ArrayList<>();
            for (Class<?> sub : c.getPermittedSubclasses()) {
                Arbitrary<Object> a = arbitrary(sub, false, depth - 1);
                if (a != null) {
                    subtypes.add(a);
                }
            }
            return subtypes.isEmpty() ? null : Arbitraries.oneOf(subtypes);
        }
        throw new AssertionError("no arbitrary for " + type);
    }

    private static Arbitrary<Object> record(Class<?> c, int depth) {
        RecordComponent[] components = c.getRecordComponents();
        List<Arbitrary<Object>> parts = new ArrayList<>();
        for (RecordComponent rc : components) {
            Arbitrary<Object> a = arbitrary(rc.getGenericType(), NULLABLE.contains(c.getName() + "." + rc.getName()),
                    depth - 1);
            if (a == null) {
                return null;
            }
            parts.add(a);
        }
        Constructor<?> constructor;
        try {
            constructor = c.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        Function<List<Object>, Object> make = args -> {
            try {
                return constructor.newInstance(args.toArray());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
        return parts.isEmpty() ? Arbitraries.just(make.apply(List.of())) : Combinators.combine(parts).as(make);
    }

    /** Whether values of {@code type} are small and flat: their collections may be large. */
    private static boolean leaf(Type type) {
        return type instanceof Class<?> c && (c.isPrimitive() || c.isEnum() || c == String.class
                || Number.class.isAssignableFrom(c) || c == Boolean.class || c == Character.class);
    }

    /** Strings of any Unicode code points (no lone surrogates, which UTF-8 cannot carry). */
    private static Arbitrary<String> unicode() {
        Arbitrary<Integer> anyCodePoint = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x20, 0x7e)),
                net.jqwik.api.Tuple.of(2, anyCodePoint));
        return codePoint.list().ofMaxSize(40).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<Object> roots() {
        return values(LOADED.type("rnd.Root"));
    }

    @Provide
    Arbitrary<Object> exprs() {
        return values(LOADED.type("rnd.Expr"));
    }

    @Provide
    Arbitrary<Object> trees() {
        return values(LOADED.type("rnd.Tree"));
    }

    // ---- encoding helpers ----

    private interface Encoder {
        void encode(ByteBufWireWriter out);
    }

    private interface Decoder {
        Object decode(ByteBufWireReader in);
    }

    private static byte[] encode(Encoder encoder) {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.encode(new ByteBufWireWriter(buf));
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static Object decode(byte[] bytes, Decoder decoder) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            ByteBufWireReader in = new ByteBufWireReader(buf);
            Object value = decoder.decode(in);
            in.expectEnd("value");
            return value;
        } finally {
            buf.release();
        }
    }

    private static Object roundTrip(Codec<Object> codec, Object value) {
        return decode(encode(out -> codec.encode(value, out)), codec::decode);
    }

    /** Equality with arrays compared by content, recursively (records holding arrays included). */
    static boolean deepEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass() && !(a instanceof List && b instanceof List)
                && !(a instanceof Map && b instanceof Map) && !(a instanceof Set && b instanceof Set)) {
            return false;
        }
        if (a.getClass().isArray()) {
            int n = Array.getLength(a);
            if (n != Array.getLength(b)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!deepEquals(Array.get(a, i), Array.get(b, i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Record) {
            for (RecordComponent rc : a.getClass().getRecordComponents()) {
                try {
                    if (!deepEquals(rc.getAccessor().invoke(a), rc.getAccessor().invoke(b))) {
                        return false;
                    }
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!deepEquals(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Optional<?> oa && b instanceof Optional<?> ob) {
            return oa.isPresent() == ob.isPresent() && (oa.isEmpty() || deepEquals(oa.get(), ob.get()));
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !deepEquals(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    // ---- properties ----

    @Property(tries = 300)
    void recordsRoundTrip(@ForAll("roots") Object root) {
        Object back = roundTrip(LOADED.returnCodec("root"), root);
        assertThat(deepEquals(back, root)).as("%s", root).isTrue();
    }

    @Property(tries = 500)
    void sealedValuesRoundTrip(@ForAll("exprs") Object expr) {
        Object back = roundTrip(LOADED.returnCodec("expr"), expr);
        assertThat(back).isEqualTo(expr);
        assertThat(roundTrip(LOADED.eventCodec(), expr)).isEqualTo(expr);
    }

    @Property(tries = 300)
    void recursiveRecordsRoundTrip(@ForAll("trees") Object tree) {
        assertThat(roundTrip(LOADED.returnCodec("tree"), tree)).isEqualTo(tree);
    }

    @Property(tries = 200)
    void stateSnapshotsAndDeltasRoundTrip(@ForAll("roots") Object base, @ForAll("roots") Object target,
                                          @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 35) Integer> fields) {
        StateCodec<Object> codec = LOADED.state;
        Object snapshot = decode(encode(out -> codec.encode(target, out)), codec::decode);
        assertThat(deepEquals(snapshot, target)).isTrue();
        int[] indices = fields.stream().mapToInt(Integer::intValue).filter(i -> i < codec.fieldCount()).sorted()
                .toArray();
        byte[] delta = encode(out -> {
            for (int i : indices) {
                out.writeVarInt(i);
                codec.encodeField(target, i, out);
            }
        });
        Object after = decode(delta, in -> codec.applyDelta(base, indices.length, in));
        for (int j = 0; j < codec.fieldCount(); j++) {
            int field = j;
            boolean changed = Arrays.stream(indices).anyMatch(i -> i == field);
            Object expected = changed ? target : base;
            assertThat(deepEquals(component(after, j), component(expected, j))).as(codec.fieldName(j)).isTrue();
        }
    }

    private static Object component(Object record, int index) {
        try {
            return record.getClass().getRecordComponents()[index].getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 3000)
    void randomBytesDecodeOrFailWithProtocolError(@ForAll @Size(max = 200) byte[] bytes,
                                                  @ForAll @IntRange(min = 0, max = 4) int decoder,
                                                  @ForAll @IntRange(min = 1, max = 36) int count) {
        StateCodec<Object> state = LOADED.state;
        Decoder d = switch (decoder) {
            case 0 -> LOADED.returnCodec("root")::decode;
            case 1 -> LOADED.returnCodec("expr")::decode;
            case 2 -> LOADED.returnCodec("tree")::decode;
            case 3 -> state::decode;
            default -> in -> state.applyDelta(state.initial(), count, in);
        };
        decodesOrFailsWithProtocolError(bytes, d);
    }

    @Property(tries = 500)
    void corruptedEncodingsDecodeOrFailWithProtocolError(@ForAll("roots") Object root,
                                                         @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0) Integer> positions,
                                                         @ForAll byte value, @ForAll boolean truncate) {
        byte[] bytes = encode(out -> LOADED.returnCodec("root").encode(root, out));
        for (int p : positions) {
            bytes[p % bytes.length] ^= (byte) (value == 0 ? 1 : value);
        }
        if (truncate) {
            bytes = Arrays.copyOf(bytes, positions.get(0) % bytes.length);
        }
        decodesOrFailsWithProtocolError(bytes, LOADED.returnCodec("root")::decode);
        decodesOrFailsWithProtocolError(bytes, LOADED.state::decode);
    }

    private static void decodesOrFailsWithProtocolError(byte[] bytes, Decoder decoder) {
        try {
            decode(bytes, decoder);
        } catch (RpcException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(Status.PROTOCOL_ERROR);
        } catch (RuntimeException | StackOverflowError e) {
            fail("decoding %s threw %s", java.util.HexFormat.of().formatHex(bytes), e);
        }
    }
}
