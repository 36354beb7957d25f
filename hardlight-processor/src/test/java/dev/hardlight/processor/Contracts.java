package dev.hardlight.processor;

import java.util.Map;

/** Contract sources the tests compile. */
final class Contracts {
    private Contracts() {}

    /** The small contract of the golden files. */
    static final Map<String, String> SHOP = Map.of(
            "shop.Shop", """
                    package shop;

                    import dev.hardlight.Nullable;
                    import dev.hardlight.Requires;
                    import dev.hardlight.Rpc;
                    import java.util.List;

                    @Rpc(name = "shop")
                    public interface Shop {
                        Item find(String name) throws OutOfStock;

                        List<Item> all();

                        void paint(Shape shape, @Nullable Color color);

                        @Requires("authenticated")
                        int restock(String name, int count) throws OutOfStock;

                        default int unused() {
                            return 0;
                        }
                    }
                    """,
            "shop.Item", """
                    package shop;

                    import dev.hardlight.Nullable;

                    public record Item(String name, int count, @Nullable Color color) {}
                    """,
            "shop.Color", """
                    package shop;

                    public enum Color { RED, GREEN, BLUE }
                    """,
            "shop.Shape", """
                    package shop;

                    public sealed interface Shape permits Shape.Circle, Shape.Square {
                        record Circle(double radius) implements Shape {}

                        record Square(double side) implements Shape {}
                    }
                    """,
            "shop.OutOfStock", """
                    package shop;

                    public class OutOfStock extends Exception {
                        public OutOfStock(String message) {
                            super(message);
                        }
                    }
                    """);

    /** A contract using every supported type. */
    static final Map<String, String> ALL = Map.of(
            "all.AllTypes", """
                    package all;

                    import dev.hardlight.Nullable;
                    import dev.hardlight.Rpc;
                    import java.time.Duration;
                    import java.time.Instant;
                    import java.util.List;
                    import java.util.Map;
                    import java.util.Optional;
                    import java.util.Set;
                    import java.util.UUID;

                    @Rpc
                    public interface AllTypes {
                        Prims prims(Prims p);

                        Boxes boxes(Boxes b);

                        Scalars scalars(Scalars s);

                        Containers containers(Containers c);

                        Tree tree(Tree t);

                        Expr expr(Expr e);

                        @Nullable String maybe(@Nullable String s, @Nullable Integer i);

                        int add(int a, long b, double c);

                        void nothing();

                        byte[] bytes(byte[] b, int... rest);

                        Level level(Level l);

                        List<Map<String, List<Tree>>> nested(List<Map<String, List<Tree>>> n);

                        Optional<Tree> optionalTree(Optional<Tree> t);

                        UUID uuid(UUID u, Instant i, Duration d);

                        int fail(int code) throws Failure, java.util.concurrent.TimeoutException;

                        static AllTypes ignored() {
                            return null;
                        }
                    }
                    """,
            "all.Prims", """
                    package all;

                    public record Prims(boolean z, byte b, short s, char c, int i, long l, float f, double d) {}
                    """,
            "all.Boxes", """
                    package all;

                    import dev.hardlight.Nullable;

                    public record Boxes(Boolean z, Byte b, Short s, Character c, Integer i, Long l, Float f, Double d,
                                        @Nullable Integer maybe) {}
                    """,
            "all.Scalars", """
                    package all;

                    import dev.hardlight.Nullable;
                    import java.time.Duration;
                    import java.time.Instant;
                    import java.util.UUID;

                    public record Scalars(String s, byte[] bytes, Instant at, Duration d, UUID id, Level level,
                                          @Nullable String nick, @Nullable Level maybeLevel) {}
                    """,
            "all.Containers", """
                    package all;

                    import java.util.List;
                    import java.util.Map;
                    import java.util.Optional;
                    import java.util.Set;

                    public record Containers(List<String> list, Set<Integer> set, Map<String, Level> map,
                                             Optional<String> opt, String[] strings, Level[] levels, int[] ints,
                                             long[] longs, boolean[] bools, short[] shorts, char[] chars,
                                             float[] floats, double[] doubles, int[][] grid,
                                             Map<Level, List<Optional<String>>> deep, List<byte[]> blobs) {}
                    """,
            "all.Tree", """
                    package all;

                    import java.util.List;

                    public record Tree(int v, List<Tree> children) {}
                    """,
            "all.Expr", """
                    package all;

                    import java.util.List;

                    public sealed interface Expr {
                        record Num(long value) implements Expr {}

                        record Sum(List<Expr> terms) implements Expr {}

                        record Neg(Expr inner) implements Expr {}

                        enum Const implements Expr { ZERO, ONE }

                        sealed interface Unary extends Expr {}

                        record Abs(Expr inner) implements Unary {}
                    }
                    """,
            "all.Level", """
                    package all;

                    public enum Level { LOW, MID, HIGH }
                    """,
            "all.Failure", """
                    package all;

                    public class Failure extends Exception {
                        public Failure(String message) {
                            super(message);
                        }
                    }
                    """);

    /** A small contract with a connection state, events and topics: the second set of golden files. */
    static final Map<String, String> COUNTER = Map.of(
            "counter.Counter", """
                    package counter;

                    import dev.hardlight.ConnectionState;
                    import dev.hardlight.Nullable;
                    import dev.hardlight.Rpc;
                    import dev.hardlight.Topic;
                    import java.util.List;

                    @Rpc(state = Counter.State.class, events = Counter.Event.class)
                    public interface Counter {
                        int increment(int amount);

                        void rename(@Nullable String user);

                        Topic join(Topic room);

                        @ConnectionState
                        record State(int count, @Nullable String user, List<Integer> history, Mode mode, double ratio,
                                     Limits limits, Topic room) {}

                        sealed interface Event {
                            record Incremented(int to, int from, Topic room) implements Event {}

                            record Renamed(@Nullable String user) implements Event {}

                            record Reset() implements Event {}
                        }
                    }
                    """,
            "counter.Mode", """
                    package counter;

                    public enum Mode { IDLE, COUNTING }
                    """,
            "counter.Limits", """
                    package counter;

                    public record Limits(long max, float[] weights) {}
                    """);
}
