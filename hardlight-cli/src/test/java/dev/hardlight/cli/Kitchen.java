package dev.hardlight.cli;

import dev.hardlight.ConnectionState;
import dev.hardlight.Nullable;
import dev.hardlight.Requires;
import dev.hardlight.Rpc;
import dev.hardlight.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The command line's test contract: every wire type, state, events, a declared exception and a feature gate. */
@Rpc(state = Kitchen.State.class, events = Kitchen.Event.class)
public interface Kitchen {
    enum Color { RED, GREEN, BLUE }

    record Point(int x, int y) {}

    sealed interface Shape permits Circle, Square, Shade {}

    record Circle(double radius) implements Shape {}

    record Square(double side) implements Shape {}

    enum Shade implements Shape { LIGHT, DARK }

    record All(boolean bool, byte b, short s, char c, int i, long l, float f, double d, String str, byte[] bytes,
               Instant instant, Duration duration, UUID uuid, Topic topic, List<Integer> ints, Set<String> tags,
               Map<String, Integer> counts, Map<Integer, String> names, Optional<String> maybe, @Nullable Point point,
               Color color, Shape shape, int[] prims, List<Shape> shapes) {}

    @ConnectionState
    record State(int count, String last) {}

    sealed interface Event permits Bumped, Said {}

    record Bumped(int to) implements Event {}

    record Said(String text) implements Event {}

    All echo(All all);

    int add(int a, int b);

    long big(long value, @Nullable String note);

    void fail(String how) throws Problem;

    /** Adds {@code by} to the state's count and emits {@link Bumped} on the topic "bumps". */
    int bump(int by);

    /** Subscribes this connection to {@code topic}. */
    void join(String topic);

    @Requires("admin")
    String secret();

    /** Sleeps {@code millis}, then returns it. */
    int slow(int millis) throws InterruptedException;
}
