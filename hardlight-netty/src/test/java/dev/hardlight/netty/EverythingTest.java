package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.RepeatedValueException;
import dev.hardlight.netty.Everything.Boxes;
import dev.hardlight.netty.Everything.Circle;
import dev.hardlight.netty.Everything.Color;
import dev.hardlight.netty.Everything.Kitchen;
import dev.hardlight.netty.Everything.Nothing;
import dev.hardlight.netty.Everything.Shape;
import dev.hardlight.netty.Everything.Square;
import dev.hardlight.netty.Everything.Tree;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every supported type makes the round trip over a real TLS connection through generated code. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class EverythingTest {
    static final AtomicInteger nothingCalls = new AtomicInteger();
    static HardLightServer server;
    static EverythingClient client;

    /** Echoes every argument. */
    static final class Echo implements Everything {
        @Override public boolean bool(boolean v) { return v; }
        @Override public byte b(byte v) { return v; }
        @Override public short s(short v) { return v; }
        @Override public char c(char v) { return v; }
        @Override public int i(int v) { return v; }
        @Override public long l(long v) { return v; }
        @Override public float f(float v) { return v; }
        @Override public double d(double v) { return v; }
        @Override public Boxes boxes(Boxes v) { return v; }
        @Override public String string(String v) { return v; }
        @Override public byte[] bytes(byte[] v) { return v; }
        @Override public Color color(Color v) { return v; }
        @Override public Shape shape(Shape v) { return v; }
        @Override public Tree tree(Tree v) { return v; }
        @Override public List<Shape> list(List<Shape> v) { return v; }
        @Override public Set<String> set(Set<String> v) {
            // a result no reader accepts: both elements are sent as "?"
            return v.contains("send a clash") ? new LinkedHashSet<>(List.of("?", "\uD800")) : v;
        }
        @Override public Map<String, List<Integer>> map(Map<String, List<Integer>> v) { return v; }
        @Override public Optional<String> optional(Optional<String> v) { return v; }
        @Override public String nullable(String v) { return v; }
        @Override public String[] array(String[] v) { return v; }
        @Override public long[] longs(long[] v) { return v; }
        @Override public double[] doubles(double[] v) { return v; }
        @Override public boolean[] bools(boolean[] v) { return v; }
        @Override public char[] chars(char[] v) { return v; }
        @Override public Instant instant(Instant v) { return v; }
        @Override public Duration duration(Duration v) { return v; }
        @Override public UUID uuid(UUID v) { return v; }
        @Override public Kitchen kitchen(Kitchen v) { return v; }
        @Override public void nothing(int v) { nothingCalls.addAndGet(v); }
    }

    @BeforeAll
    static void start() {
        server = LowLatencyMode.server(HardLight.server(Everything.class, c -> new Echo()).tls(TestServer.TLS)
                .bind("127.0.0.1", 0)).start();
        client = HardLight.connect(URI.create("wss://localhost:" + server.port() + "/hl"),
                LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint())), EverythingClient.FACTORY);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void primitivesAtTheirEdges() {
        for (boolean v : new boolean[] {true, false}) assertThat(client.bool(v)).isEqualTo(v);
        for (byte v : new byte[] {0, -1, Byte.MIN_VALUE, Byte.MAX_VALUE}) assertThat(client.b(v)).isEqualTo(v);
        for (short v : new short[] {0, -1, Short.MIN_VALUE, Short.MAX_VALUE}) assertThat(client.s(v)).isEqualTo(v);
        for (char v : new char[] {0, 'a', 'é', '\uD83D', Character.MAX_VALUE}) assertThat(client.c(v)).isEqualTo(v);
        for (int v : new int[] {0, -1, 1, 150, Integer.MIN_VALUE, Integer.MAX_VALUE}) assertThat(client.i(v)).isEqualTo(v);
        for (long v : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) assertThat(client.l(v)).isEqualTo(v);
        for (float v : new float[] {0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY}) {
            assertThat(Float.floatToRawIntBits(client.f(v))).isEqualTo(Float.floatToRawIntBits(v));
        }
        assertThat(client.f(Float.NaN)).isNaN();
        for (double v : new double[] {0d, -0d, Math.PI, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY}) {
            assertThat(Double.doubleToRawLongBits(client.d(v))).isEqualTo(Double.doubleToRawLongBits(v));
        }
        assertThat(client.d(Double.NaN)).isNaN();
    }

    @Test
    void boxesStringsAndBytes() {
        Boxes boxes = new Boxes(true, (byte) -3, (short) 300, 'x', -70_000, Long.MIN_VALUE, 2.5f, -1e300);
        assertThat(client.boxes(boxes)).isEqualTo(boxes);
        for (String s : List.of("", "hello", "héllo wörld", "\uD83D\uDE00 emoji", "日本語", "x".repeat(100_000))) {
            assertThat(client.string(s)).isEqualTo(s);
        }
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
        assertThat(client.bytes(bytes)).isEqualTo(bytes);
        assertThat(client.bytes(new byte[0])).isEmpty();
    }

    @Test
    void enumsSealedInterfacesAndRecursiveRecords() {
        for (Color c : Color.values()) assertThat(client.color(c)).isEqualTo(c);
        for (Shape s : List.of(new Circle(2.5), new Square(-4, "sq"), new Nothing())) assertThat(client.shape(s)).isEqualTo(s);
        Tree tree = new Tree(1, List.of(new Tree(2, List.of()), new Tree(3, List.of(new Tree(4, List.of())))));
        assertThat(client.tree(tree)).isEqualTo(tree);
    }

    @Test
    void collectionsKeepOrderAndContent() {
        List<Shape> shapes = List.of(new Circle(1), new Nothing(), new Square(2, "b"));
        assertThat(client.list(shapes)).containsExactlyElementsOf(shapes);
        assertThat(client.list(List.of())).isEmpty();
        Set<String> set = new LinkedHashSet<>(List.of("z", "a", "m"));
        assertThat(client.set(set)).containsExactly("z", "a", "m");
        Map<String, List<Integer>> map = new LinkedHashMap<>();
        map.put("b", List.of(1, -2));
        map.put("a", List.of());
        assertThat(client.map(map)).containsExactly(Map.entry("b", List.of(1, -2)), Map.entry("a", List.of()));
    }

    /**
     * Distinct strings sent as the same bytes ("?" and an unpaired surrogate, both sent as '?') would
     * make a set no reader accepts: the client refuses to send it (INVALID_ARGUMENT, nothing sent), the
     * server answers INTERNAL rather than send such a result, and the connection goes on.
     */
    @Test
    void aSetWhoseElementsAreSentAlikeIsRefusedBySendingSide() {
        assertThatThrownBy(() -> client.set(new LinkedHashSet<>(List.of("?", "\uD800"))))
                .isInstanceOfSatisfying(RepeatedValueException.class, e -> assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT))
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> client.set(Set.of("send a clash")))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL));
        assertThat(client.set(new LinkedHashSet<>(List.of("\uD800", "!")))).containsExactly("?", "!");
    }

    @Test
    void optionalAndNullable() {
        assertThat(client.optional(Optional.of("x"))).contains("x");
        assertThat(client.optional(Optional.empty())).isEmpty();
        assertThat(client.nullable(null)).isNull();
        assertThat(client.nullable("y")).isEqualTo("y");
    }

    @Test
    void arrays() {
        assertThat(client.array(new String[] {"a", "", "c"})).containsExactly("a", "", "c");
        assertThat(client.longs(new long[] {Long.MIN_VALUE, 0, 7})).containsExactly(Long.MIN_VALUE, 0, 7);
        assertThat(client.doubles(new double[] {1.5, -0.0})).containsExactly(1.5, -0.0);
        assertThat(client.bools(new boolean[] {true, false, true})).containsExactly(true, false, true);
        assertThat(client.chars("hé".toCharArray())).containsExactly('h', 'é');
    }

    @Test
    void timeAndIdentifiers() {
        for (Instant t : List.of(Instant.EPOCH, Instant.parse("2026-11-24T12:00:00.123456789Z"), Instant.MIN, Instant.MAX)) {
            assertThat(client.instant(t)).isEqualTo(t);
        }
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofDays(365_000))) {
            assertThat(client.duration(d)).isEqualTo(d);
        }
        UUID id = UUID.randomUUID();
        assertThat(client.uuid(id)).isEqualTo(id);
    }

    @Test
    void aRecordNestingEverything() throws Exception {
        Map<String, List<Shape>> shapes = new LinkedHashMap<>();
        shapes.put("round", List.of(new Circle(1), new Circle(2)));
        shapes.put("none", List.of());
        Kitchen k = new Kitchen(Color.GREEN, new Square(3, "s"), new Tree(0, List.of(new Tree(1, List.of()))), shapes,
                Set.of(UUID.randomUUID()), Optional.of(Instant.parse("2020-01-01T00:00:00Z")), null,
                new byte[] {1, 2, 3}, new int[] {-1, 0, 1}, new String[] {"w"}, Duration.ofMillis(1500),
                new Boxes(false, (byte) 0, (short) 0, 'c', 0, 0L, 0f, 0d));
        Kitchen back = client.kitchenAsync(k).get(10, TimeUnit.SECONDS);
        assertThat(back).usingRecursiveComparison().isEqualTo(k);
        assertThat(Arrays.equals(back.blob(), k.blob())).isTrue();
    }

    @Test
    void voidMethodRunsOnTheServer() throws Exception {
        int before = nothingCalls.get();
        client.nothing(5);
        client.nothingAsync(2).get(10, TimeUnit.SECONDS);
        assertThat(nothingCalls.get()).isEqualTo(before + 7);
    }
}
