package dev.hardlight.processor;

import java.util.HashMap;
import java.util.Map;

/** Contract sources of the TypeScript tests. */
final class TsContracts {
    private TsContracts() {}

    /**
     * A contract whose records cover every wire type, with a connection state, events, declared exceptions,
     * {@code @Requires}, {@code @Idempotent}, {@code @Default}, {@code @Fallback}, recursive types, a sealed
     * interface of records, an enum and a sealed interface, subtypes with the same simple name, a type
     * without a zero value, and names that are reserved in TypeScript.
     */
    static final Map<String, String> EVERY = Map.ofEntries(
            Map.entry("every.Every", """
                    package every;

                    import dev.hardlight.ConnectionState;
                    import dev.hardlight.Idempotent;
                    import dev.hardlight.Nullable;
                    import dev.hardlight.Requires;
                    import dev.hardlight.Rpc;
                    import dev.hardlight.Topic;
                    import java.time.Duration;
                    import java.time.Instant;
                    import java.util.List;
                    import java.util.Optional;
                    import java.util.UUID;

                    @Rpc(name = "every", state = Every.Session.class, events = Every.Happening.class)
                    public interface Every {
                        Scalars scalars(Scalars s);

                        Collections collections(Collections c);

                        Shape shape(Shape s);

                        Tree tree(Tree t);

                        @Nullable Level maybe(@Nullable Level level, Optional<Instant> at, long... ids);

                        @Idempotent
                        char initial(String name);

                        @Requires("admin")
                        void reset(UUID id, Duration after) throws Denied, Every.Busy;

                        @Idempotent
                        @Requires("admin")
                        byte[] blob(byte[] data, Topic topic) throws Denied;

                        Versioned versioned(Versioned v, Chain chain);

                        Keywords then(Keywords options, int w);

                        void close(int code);

                        Promise promise(Promise p);

                        void nothing();

                        @ConnectionState
                        record Session(String user, int count, List<String> rooms, Level level, Shape shape,
                                       Optional<Instant> since, @Nullable Tree tree, long big) {}

                        sealed interface Happening {
                            record Joined(String user, Topic room) implements Happening {}

                            record Left(String user) implements Happening {}

                            enum Tick implements Happening { SECOND, MINUTE }
                        }

                        class Busy extends Exception {
                            public Busy(String message) {
                                super(message);
                            }
                        }
                    }
                    """),
            Map.entry("every.Prims", """
                    package every;

                    public record Prims(boolean z, byte b, short s, char c, int i, long l, float f, double d) {}
                    """),
            Map.entry("every.Boxes", """
                    package every;

                    import dev.hardlight.Nullable;

                    public record Boxes(Boolean z, Byte b, Short s, Character c, Integer i, Long l, Float f, Double d,
                                        @Nullable Long maybe) {}
                    """),
            Map.entry("every.Scalars", """
                    package every;

                    import dev.hardlight.Nullable;
                    import dev.hardlight.Topic;
                    import java.time.Duration;
                    import java.time.Instant;
                    import java.util.UUID;

                    public record Scalars(String text, byte[] bytes, Instant at, Duration took, UUID id, Topic topic,
                                          Prims prims, Boxes boxes, @Nullable String nick, @Nullable Level maybeLevel) {}
                    """),
            Map.entry("every.Collections", """
                    package every;

                    import dev.hardlight.Nullable;
                    import java.util.List;
                    import java.util.Map;
                    import java.util.Optional;
                    import java.util.Set;

                    public record Collections(List<String> list, Set<Integer> set, Map<String, Level> map,
                                              Map<Long, List<Shape>> nested, Optional<String> opt, Optional<Tree> optTree,
                                              String[] strings, Level[] levels, int[] ints, long[] longs, boolean[] bools,
                                              short[] shorts, char[] chars, float[] floats, double[] doubles,
                                              int[][] grid, List<byte[]> blobs, List<Optional<String>> maybes,
                                              Set<Level> levelSet, @Nullable List<Integer> nullableList,
                                              @Nullable Optional<String> both) {}
                    """),
            Map.entry("every.Tree", """
                    package every;

                    import dev.hardlight.Nullable;
                    import java.util.List;

                    public record Tree(int value, List<Tree> children, @Nullable Tree parent) {}
                    """),
            Map.entry("every.Level", """
                    package every;

                    import dev.hardlight.Fallback;

                    public enum Level { LOW, MID, HIGH, @Fallback UNKNOWN }
                    """),
            Map.entry("every.Shape", """
                    package every;

                    import dev.hardlight.Default;
                    import dev.hardlight.Fallback;
                    import java.util.List;

                    public sealed interface Shape
                            permits Shape.Circle, Shape.Square, Shape.Group, Shape.Color, Polygon, Shape.Unknown {
                        record Circle(double radius) implements Shape {}

                        record Square(double side) implements Shape {}

                        record Group(List<Shape> members) implements Shape {}

                        enum Color implements Shape { RED, GREEN }

                        @Fallback
                        record Unknown(@Default("?") String note) implements Shape {}
                    }
                    """),
            Map.entry("every.Polygon", """
                    package every;

                    public sealed interface Polygon extends Shape permits Polygon.Triangle, Polygon.Other.Triangle {
                        record Triangle(double a, double b, double c) implements Polygon {}

                        final class Other {
                            private Other() {}

                            public record Triangle(double base, double height) implements Polygon {}
                        }
                    }
                    """),
            Map.entry("every.Chain", """
                    package every;

                    public sealed interface Chain permits Chain.Link, Chain.End {
                        record Link(Chain next) implements Chain {}

                        record End() implements Chain {}
                    }
                    """),
            Map.entry("every.Versioned", """
                    package every;

                    import dev.hardlight.Default;
                    import dev.hardlight.Nullable;

                    public record Versioned(int count, Chain chain, @Default("7") int retries,
                                            @Default("hello */ 'you' \\\\ \\"ü\\"") String greeting, @Default("HIGH") Level level,
                                            @Default("true") boolean on, @Default("0.1") float ratio,
                                            @Default("-1e300") double tiny, @Default("-9000000000") long big,
                                            @Default("x") char letter, @Default("-3") Short small,
                                            @Nullable String note) {}
                    """),
            Map.entry("every.Keywords", """
                    package every;

                    public record Keywords(int in, String delete, long r, boolean typeof, int constructor) {}
                    """),
            Map.entry("every.Promise", """
                    package every;

                    public record Promise(int v) {}
                    """),
            Map.entry("every.Denied", """
                    package every;

                    public class Denied extends Exception {
                        public Denied(String message) {
                            super(message);
                        }
                    }
                    """));

    /**
     * The sources of {@code contract}, with test-local {@code dev.hardlight.Default} and {@code dev.hardlight.Fallback}
     * annotations when hardlight-core does not have them (the processor reads them by name).
     */
    static Map<String, String> withEvolutionAnnotations(Map<String, String> contract) {
        Map<String, String> sources = new HashMap<>(contract);
        if (!onClassPath("dev.hardlight.Default")) {
            sources.put("dev.hardlight.Default", """
                    package dev.hardlight;

                    import java.lang.annotation.ElementType;
                    import java.lang.annotation.Retention;
                    import java.lang.annotation.RetentionPolicy;
                    import java.lang.annotation.Target;

                    @Retention(RetentionPolicy.CLASS)
                    @Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
                    public @interface Default {
                        String value();
                    }
                    """);
        }
        if (!onClassPath("dev.hardlight.Fallback")) {
            sources.put("dev.hardlight.Fallback", """
                    package dev.hardlight;

                    import java.lang.annotation.ElementType;
                    import java.lang.annotation.Retention;
                    import java.lang.annotation.RetentionPolicy;
                    import java.lang.annotation.Target;

                    @Retention(RetentionPolicy.CLASS)
                    @Target({ElementType.FIELD, ElementType.TYPE})
                    public @interface Fallback {}
                    """);
        }
        return sources;
    }

    private static boolean onClassPath(String name) {
        try {
            Class.forName(name, false, TsContracts.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
