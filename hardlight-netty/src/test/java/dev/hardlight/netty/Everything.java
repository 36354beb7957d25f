package dev.hardlight.netty;

import dev.hardlight.Nullable;
import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A contract with every supported wire type: each method echoes its argument. */
@Rpc
public interface Everything {
    enum Color { RED, GREEN, BLUE }

    sealed interface Shape permits Circle, Square, Nothing {}

    record Circle(double radius) implements Shape {}

    record Square(int side, String label) implements Shape {}

    record Nothing() implements Shape {}

    record Tree(int value, List<Tree> children) {}

    record Boxes(Boolean z, Byte b, Short s, Character c, Integer i, Long l, Float f, Double d) {}

    record Kitchen(Color color, Shape shape, Tree tree, Map<String, List<Shape>> shapes, Set<UUID> ids,
                   Optional<Instant> when, @Nullable String note, byte[] blob, int[] ints, String[] words,
                   Duration ttl, Boxes boxes) {}

    boolean bool(boolean v);

    byte b(byte v);

    short s(short v);

    char c(char v);

    @NonBlocking
    int i(int v);

    long l(long v);

    float f(float v);

    double d(double v);

    Boxes boxes(Boxes v);

    @NonBlocking
    String string(String v);

    byte[] bytes(byte[] v);

    Color color(Color v);

    Shape shape(Shape v);

    Tree tree(Tree v);

    List<Shape> list(List<Shape> v);

    Set<String> set(Set<String> v);

    Map<String, List<Integer>> map(Map<String, List<Integer>> v);

    Optional<String> optional(Optional<String> v);

    @Nullable
    String nullable(@Nullable String v);

    String[] array(String[] v);

    long[] longs(long[] v);

    double[] doubles(double[] v);

    boolean[] bools(boolean[] v);

    char[] chars(char[] v);

    Instant instant(Instant v);

    Duration duration(Duration v);

    UUID uuid(UUID v);

    @NonBlocking
    Kitchen kitchen(Kitchen v);

    void nothing(int v);
}
