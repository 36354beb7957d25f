package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.StateListener;
import dev.hardlight.Status;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compiles a service with a connection state and exercises the generated {@code StateCodec} (initial
 * value, component equality, deltas, snapshots, malformed deltas), the descriptor and the client.
 */
class StateCodecTest {
    static final Map<String, String> GAME = Map.of(
            "st.Game", """
                    package st;

                    import dev.hardlight.Rpc;

                    @Rpc(state = State.class)
                    public interface Game {
                        void play(int x);
                    }
                    """,
            "st.State", """
                    package st;

                    import dev.hardlight.ConnectionState;
                    import dev.hardlight.Nullable;
                    import java.time.Duration;
                    import java.time.Instant;
                    import java.util.List;
                    import java.util.Optional;
                    import java.util.UUID;

                    @ConnectionState
                    public record State(int score, boolean on, long big, char letter, float ratio, double weight,
                                        String user, List<String> tags, Optional<String> motto, Player player,
                                        Level level, @Nullable String note, byte[] blob, Instant at, Duration d,
                                        UUID id, Short small, int[] grid) {}
                    """,
            "st.Player", """
                    package st;

                    import java.util.List;
                    import java.util.Optional;

                    public record Player(String name, List<Integer> scores, Level level, Optional<Player> mentor) {}
                    """,
            "st.Level", """
                    package st;

                    public enum Level { LOW, HIGH }
                    """);

    private URLClassLoader loader;
    private ServiceDescriptor<?> descriptor;
    private StateCodec<Object> codec;
    private Class<?> stateClass;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void compile() throws Exception {
        Compilation c = Compilation.compile(GAME);
        assertThat(c.success).as(c.report()).isTrue();
        loader = c.classLoader();
        descriptor = (ServiceDescriptor<?>) loader.loadClass("st.GameSchema").getField("DESCRIPTOR").get(null);
        codec = (StateCodec<Object>) descriptor.state();
        stateClass = loader.loadClass("st.State");
    }

    @AfterEach
    void close() throws Exception {
        loader.close();
    }

    private Object level(String name) throws Exception {
        return loader.loadClass("st.Level").getField(name).get(null);
    }

    private Object player(String name, List<Integer> scores, String level, Optional<?> mentor) throws Exception {
        return newRecord(loader.loadClass("st.Player"), name, scores, level(level), mentor);
    }

    private static Object newRecord(Class<?> type, Object... args) throws Exception {
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        Constructor<?> constructor = type.getDeclaredConstructor(types);
        return constructor.newInstance(args);
    }

    /** The components of a state, in order. */
    private Object[] components(Object state) throws Exception {
        RecordComponent[] rc = stateClass.getRecordComponents();
        Object[] values = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            values[i] = rc[i].getAccessor().invoke(state);
        }
        return values;
    }

    /** A state with every component different from the initial one. */
    private Object sample() throws Exception {
        return newRecord(stateClass, -42, true, Long.MIN_VALUE, 'é', 1.5f, -2.25, "ann", List.of("a", "b"),
                Optional.of("go"), player("bob", List.of(1, -2), "HIGH", Optional.of(player("m", List.of(), "LOW",
                        Optional.empty()))), level("HIGH"), "note", new byte[] {1, 2}, Instant.parse("2026-01-02T03:04:05.6Z"),
                Duration.ofMillis(-1500), new UUID(1, 2), (short) -3, new int[] {7});
    }

    private Object withComponent(Object state, int index, Object value) throws Exception {
        Object[] values = components(state);
        values[index] = value;
        return newRecord(stateClass, values);
    }

    private static byte[] write(Consumer<ByteBufWireWriter> body) {
        ByteBuf buf = Unpooled.buffer();
        try {
            body.accept(new ByteBufWireWriter(buf));
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** {@code (index, value)} pairs of {@code state} for {@code indices}, as a STATE_DELTA carries them. */
    private byte[] delta(Object state, int... indices) {
        return write(out -> {
            for (int i : indices) {
                out.writeVarInt(i);
                codec.encodeField(state, i, out);
            }
        });
    }

    private Object apply(Object base, int count, byte[] delta) {
        ByteBuf buf = Unpooled.wrappedBuffer(delta);
        try {
            ByteBufWireReader in = new ByteBufWireReader(buf);
            Object after = codec.applyDelta(base, count, in);
            in.expectEnd("delta");
            return after;
        } finally {
            buf.release();
        }
    }

    private void assertStateEquals(Object actual, Object expected) {
        for (int i = 0; i < codec.fieldCount(); i++) {
            assertThat(codec.fieldEquals(actual, expected, i)).as("component %s of %s", codec.fieldName(i), actual)
                    .isTrue();
        }
    }

    @Test
    void describesTheStateRecord() {
        assertThat(codec.type()).isSameAs(stateClass);
        assertThat(codec.fieldCount()).isEqualTo(18);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < codec.fieldCount(); i++) {
            names.add(codec.fieldName(i));
        }
        assertThat(names).containsExactly("score", "on", "big", "letter", "ratio", "weight", "user", "tags", "motto",
                "player", "level", "note", "blob", "at", "d", "id", "small", "grid");
        assertThatThrownBy(() -> codec.fieldName(18)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void initialIsTheZeroOfEveryComponent() throws Exception {
        Object[] zero = components(codec.initial());
        assertThat(Arrays.asList(zero).subList(0, 12)).containsExactly(0, false, 0L, '\0', 0.0f, 0.0d, "", List.of(),
                Optional.empty(), player("", List.of(), "LOW", Optional.empty()), level("LOW"), null);
        assertThat((byte[]) zero[12]).isEmpty();
        assertThat(Arrays.asList(zero).subList(13, 17)).containsExactly(Instant.EPOCH, Duration.ZERO, new UUID(0, 0),
                (short) 0);
        assertThat((int[]) zero[17]).isEmpty();
        assertThatThrownBy(() -> ((List<?>) zero[7]).add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fieldEqualsComparesOneComponent() throws Exception {
        Object a = sample();
        Object b = codec.initial();
        for (int i = 0; i < codec.fieldCount(); i++) {
            Object changed = withComponent(a, i, components(b)[i]);
            for (int j = 0; j < codec.fieldCount(); j++) {
                assertThat(codec.fieldEquals(a, changed, j)).as("%s after changing %s", codec.fieldName(j),
                        codec.fieldName(i)).isEqualTo(i != j);
            }
        }
        // arrays by content, floating point as record equals does
        assertThat(codec.fieldEquals(a, withComponent(a, 12, new byte[] {1, 2}), 12)).isTrue();
        assertThat(codec.fieldEquals(a, withComponent(a, 17, new int[] {7}), 17)).isTrue();
        Object nan = withComponent(withComponent(a, 4, Float.NaN), 5, Double.NaN);
        assertThat(codec.fieldEquals(nan, withComponent(withComponent(a, 4, Float.NaN), 5, Double.NaN), 4)).isTrue();
        assertThat(codec.fieldEquals(nan, withComponent(withComponent(a, 4, Float.NaN), 5, Double.NaN), 5)).isTrue();
        Object zero = codec.initial();
        assertThat(codec.fieldEquals(zero, withComponent(zero, 4, -0.0f), 4)).isFalse();
        assertThat(codec.fieldEquals(zero, withComponent(zero, 5, -0.0d), 5)).isFalse();
        assertThatThrownBy(() -> codec.fieldEquals(a, a, 18)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void everySingleFieldDeltaRoundTrips() throws Exception {
        Object base = codec.initial();
        Object target = sample();
        for (int i = 0; i < codec.fieldCount(); i++) {
            Object after = apply(base, 1, delta(target, i));
            for (int j = 0; j < codec.fieldCount(); j++) {
                assertThat(codec.fieldEquals(after, j == i ? target : base, j)).as("%s after a delta of %s",
                        codec.fieldName(j), codec.fieldName(i)).isTrue();
            }
        }
        // and back to the zero of each component, null included
        for (int i = 0; i < codec.fieldCount(); i++) {
            Object after = apply(target, 1, delta(base, i));
            assertThat(codec.fieldEquals(after, base, i)).as(codec.fieldName(i)).isTrue();
        }
    }

    @Test
    void severalFieldsAtOnce() throws Exception {
        Object base = sample();
        Object target = codec.initial();
        int[] indices = {0, 4, 5, 9, 11, 12, 17};
        Object after = apply(base, indices.length, delta(target, indices));
        for (int j = 0; j < codec.fieldCount(); j++) {
            boolean inDelta = false;
            for (int i : indices) {
                inDelta |= i == j;
            }
            assertThat(codec.fieldEquals(after, inDelta ? target : base, j)).as(codec.fieldName(j)).isTrue();
        }
        int[] all = new int[codec.fieldCount()];
        Arrays.setAll(all, i -> i);
        assertStateEquals(apply(base, all.length, delta(target, all)), target);
    }

    @Test
    void snapshotIsTheRecordEncodingAndDecodes() throws Exception {
        Object state = sample();
        byte[] snapshot = write(out -> codec.encode(state, out));
        @SuppressWarnings("unchecked")
        dev.hardlight.codec.Codec<Object> record = (dev.hardlight.codec.Codec<Object>) loader
                .loadClass("st.GameCodecs$StateCodec").getField("INSTANCE").get(null);
        assertThat(snapshot).isEqualTo(write(out -> record.encode(state, out)));
        ByteBuf buf = Unpooled.wrappedBuffer(snapshot);
        try {
            ByteBufWireReader in = new ByteBufWireReader(buf);
            assertStateEquals(codec.decode(in), state);
            in.expectEnd("snapshot");
        } finally {
            buf.release();
        }
    }

    @Test
    void encodeFieldNamesANullComponent() throws Exception {
        Object state = withComponent(sample(), 6, null);
        assertThatThrownBy(() -> delta(state, 6)).hasMessageContaining("st.State.user is null");
    }

    @Test
    void malformedDeltasAreProtocolErrors() throws Exception {
        Object base = codec.initial();
        Object target = sample();
        byte[] outOfRange = write(out -> {
            out.writeVarInt(18);
            out.writeInt(1);
        });
        byte[] notIncreasing = concat(delta(target, 3), delta(target, 2));
        byte[] repeated = concat(delta(target, 3), delta(target, 3));
        byte[] truncated = Arrays.copyOf(delta(target, 6), 2);
        byte[] missingPair = delta(target, 0);
        for (Map.Entry<String, Runnable> bad : Map.<String, Runnable>of(
                "not increasing", () -> apply(base, 2, notIncreasing),
                "repeated", () -> apply(base, 2, repeated),
                "truncated value", () -> apply(base, 1, truncated),
                "count beyond the pairs", () -> apply(base, 2, missingPair),
                "empty", () -> apply(base, 1, new byte[0])).entrySet()) {
            assertThatThrownBy(bad.getValue()::run).as(bad.getKey()).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.PROTOCOL_ERROR));
        }
        assertThatThrownBy(() -> apply(base, 2, notIncreasing)).hasMessageContaining("state field index 2 after 3");
        // an index beyond this side's components is a newer server's: it and the rest are skipped
        assertThat(apply(base, 1, outOfRange)).isEqualTo(base);
        assertThat(apply(base, 2, concat(delta(target, 3), outOfRange))).isEqualTo(apply(base, 1, delta(target, 3)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void schemaNamesTheStateAndTheHashCoversItsTypes() throws Exception {
        assertThat(descriptor.schema()).startsWith("service Game\nstate st.State\nmethod play(x:int):void\n")
                .contains("record st.State(score:int,on:boolean,big:long,letter:char,ratio:float,weight:double,"
                        + "user:string,tags:list<string>,motto:string?,player:st.Player,level:st.Level,note:string?,"
                        + "blob:bytes,at:instant,d:duration,id:uuid,small:short,grid:list<int>)\n");
        String text = "record st.State(score:int,on:boolean,big:long,letter:char,ratio:float,weight:double,"
                + "user:string,tags:list<string>,motto:string?,player:st.Player,level:st.Level,note:string?,"
                + "blob:bytes,at:instant,d:duration,id:uuid,small:short,grid:list<int>)\n"
                + "enum st.Level{LOW,HIGH}\n"
                + "record st.Player(name:string,scores:list<int>,level:st.Level,mentor:st.Player?)\n";
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().toHexDigits(codec.schemaHash())).isEqualTo(HexFormat.of().formatHex(sha, 0, 8));
    }

    @Test
    void changingTheStateChangesTheFingerprintAndTheStateHash() throws Exception {
        Map<String, String> changed = new HashMap<>(GAME);
        changed.put("st.Level", "package st;\npublic enum Level { LOW, MID, HIGH }\n");
        Map<String, String> noState = new HashMap<>(GAME);
        noState.put("st.Game", GAME.get("st.Game").replace("@Rpc(state = State.class)", "@Rpc"));
        Compilation c = Compilation.compile(changed);
        Compilation none = Compilation.compile(noState);
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(none.success).as(none.report()).isTrue();
        try (URLClassLoader other = c.classLoader(); URLClassLoader plain = none.classLoader()) {
            ServiceDescriptor<?> d = (ServiceDescriptor<?>) other.loadClass("st.GameSchema").getField("DESCRIPTOR")
                    .get(null);
            assertThat(d.fingerprintHex()).isNotEqualTo(descriptor.fingerprintHex());
            assertThat(d.state().schemaHash()).isNotEqualTo(codec.schemaHash());
            assertThat(d.method("play").signatureHash()).isEqualTo(descriptor.method("play").signatureHash());
            ServiceDescriptor<?> p = (ServiceDescriptor<?>) plain.loadClass("st.GameSchema").getField("DESCRIPTOR")
                    .get(null);
            assertThat(p.state()).isNull();
            assertThat(p.fingerprintHex()).isNotEqualTo(descriptor.fingerprintHex());
            assertThat(none.generated.get("st.GameClient")).doesNotContain("state()", "onStateChange");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void clientReadsTheStateAndRegistersListenersOnTheChannel() throws Exception {
        Object state = sample();
        List<Object> calls = new ArrayList<>();
        RpcChannel channel = (RpcChannel) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RpcChannel.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "view" -> proxy; // the typed view of this very channel
                    case "state" -> state;
                    case "addStateListener", "removeStateListener" -> {
                        calls.add(m.getName());
                        calls.add(args[0]);
                        yield null;
                    }
                    default -> null;
                });
        Class<?> clientClass = loader.loadClass("st.GameClient");
        Object client = clientClass.getConstructor(RpcChannel.class).newInstance(channel);
        assertThat(clientClass.getMethod("state").getReturnType()).isSameAs(stateClass);
        assertThat(clientClass.getMethod("state").invoke(client)).isSameAs(state);
        StateListener<Object> listener = (before, after) -> { };
        clientClass.getMethod("onStateChange", StateListener.class).invoke(client, listener);
        clientClass.getMethod("removeStateListener", StateListener.class).invoke(client, listener);
        assertThat(calls).containsExactly("addStateListener", listener, "removeStateListener", listener);
    }
}
