package dev.hardlight.browser;

import dev.hardlight.Nullable;
import dev.hardlight.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A value holding every wire type, for the cross-implementation round trips. */
public record AllTypes(Scalars scalars, Boxes boxes, Texts texts, Collections collections, Tree tree) {
    public enum Color { RED, GREEN, BLUE }

    public sealed interface Shape permits Circle, Square, Empty {}

    public record Circle(double radius) implements Shape {}

    public record Square(int side, String label) implements Shape {}

    public record Empty() implements Shape {}

    public record Tree(int value, List<Tree> children) {}

    public record Scalars(boolean z, byte b, short s, char c, int i, long l, float f, double d) {}

    public record Boxes(@Nullable Boolean z, @Nullable Byte b, @Nullable Short s, @Nullable Character c,
                        @Nullable Integer i, @Nullable Long l, @Nullable Float f, @Nullable Double d) {}

    public record Texts(String text, byte[] blob, char[] chars, Color color, UUID id, Topic topic, Instant when,
                        Duration ttl) {}

    public record Collections(List<Shape> shapes, Set<String> tags, Map<String, List<Integer>> scores,
                              Optional<String> maybe, @Nullable String nullable, String[] words, long[] longs,
                              double[] doubles, boolean[] flags, int[] ints) {}
}
