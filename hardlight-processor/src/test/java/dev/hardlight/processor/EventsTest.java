package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.Topic;
import dev.hardlight.codec.Codec;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.ServiceDispatcher;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compiles a service with {@code @Rpc(state = S.class, events = E.class)} and checks the event
 * descriptor (type, codec, hash), the schema's {@code events} line, the client's event methods, and
 * {@link Topic} as a parameter, result, record component and state field.
 */
class EventsTest {
    static final Map<String, String> CONTRACT = Map.of(
            "ev.Counter", """
                    package ev;

                    import dev.hardlight.Nullable;
                    import dev.hardlight.Rpc;
                    import dev.hardlight.Topic;
                    import java.util.List;
                    import java.util.Map;
                    import java.util.Optional;
                    import java.util.Set;

                    @Rpc(state = S.class, events = E.class)
                    public interface Counter {
                        int increment(int amount);

                        Topic echo(Topic topic);

                        Tagged tag(Tagged tagged);

                        @Nullable Topic maybe(@Nullable Topic topic);

                        Map<Topic, List<Topic>> many(Set<Topic> set, Optional<Topic> optional, Topic[] array);
                    }
                    """,
            "ev.S", """
                    package ev;

                    import dev.hardlight.ConnectionState;
                    import dev.hardlight.Topic;

                    @ConnectionState
                    public record S(int count, Topic topic) {}
                    """,
            "ev.E", """
                    package ev;

                    public sealed interface E permits E.Incremented, E.Decremented, E.ServerSentTest {
                        record Incremented(int to, int from) implements E {}

                        record Decremented(int to, int from) implements E {}

                        record ServerSentTest() implements E {}
                    }
                    """,
            "ev.Tagged", """
                    package ev;

                    import dev.hardlight.Nullable;
                    import dev.hardlight.Topic;

                    public record Tagged(String name, Topic topic, @Nullable Topic other) {}
                    """);

    static final String EVENT_TEXT = """
            sealed ev.E{ev.E.Incremented,ev.E.Decremented,ev.E.ServerSentTest}
            record ev.E.Decremented(to:int,from:int)
            record ev.E.Incremented(to:int,from:int)
            record ev.E.ServerSentTest()
            """;

    private URLClassLoader loader;
    private ServiceDescriptor<?> descriptor;
    private Compilation compilation;

    @BeforeEach
    void compile() throws Exception {
        compilation = Compilation.compile(CONTRACT);
        assertThat(compilation.success).as(compilation.report()).isTrue();
        loader = compilation.classLoader();
        descriptor = descriptor(loader, "ev.CounterSchema");
    }

    @AfterEach
    void close() throws Exception {
        loader.close();
    }

    private static ServiceDescriptor<?> descriptor(URLClassLoader loader, String schemaClass) throws Exception {
        return (ServiceDescriptor<?>) loader.loadClass(schemaClass).getField("DESCRIPTOR").get(null);
    }

    private static ServiceDescriptor<?> compileDescriptor(Map<String, String> sources) throws Exception {
        Compilation c = Compilation.compile(sources);
        assertThat(c.success).as(c.report()).isTrue();
        try (URLClassLoader l = c.classLoader()) {
            ServiceDescriptor<?> d = descriptor(l, "ev.CounterSchema");
            // touch what the tests read while the loader is open
            if (d.events() != null) {
                d.events().schemaHash();
            }
            return d;
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static long hash64(String text) {
        byte[] sha = sha256(text);
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (sha[i] & 0xFF);
        }
        return h;
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

    private static Object read(byte[] bytes, Codec<?> codec) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            ByteBufWireReader in = new ByteBufWireReader(buf);
            Object value = codec.decode(in);
            in.expectEnd("value");
            return value;
        } finally {
            buf.release();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> byte[] encode(Codec<T> codec, Object value) {
        return write(out -> codec.encode((T) value, out));
    }

    private Object newRecord(String type, Object... args) throws Exception {
        Class<?> c = loader.loadClass(type);
        Class<?>[] types = Arrays.stream(c.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return c.getDeclaredConstructor(types).newInstance(args);
    }

    @Test
    void descriptorCarriesTheEventTypeItsCodecAndItsHash() throws Exception {
        EventDescriptor<?> events = descriptor.events();
        assertThat(events).isNotNull();
        assertThat(events.type()).isSameAs(loader.loadClass("ev.E"));
        assertThat(events.codec()).isSameAs(loader.loadClass("ev.CounterCodecs$ECodec").getField("INSTANCE").get(null));
        assertThat(HexFormat.of().toHexDigits(events.schemaHash()))
                .isEqualTo(HexFormat.of().toHexDigits(hash64(EVENT_TEXT)));
        assertThat(descriptor.state()).isNotNull();
    }

    @Test
    void schemaNamesTheEventTypeAfterTheStateAndDefinesIt() {
        assertThat(descriptor.schema()).startsWith("service Counter\nstate ev.S\nevents ev.E\n"
                + "method increment(amount:int):int\nmethod echo(topic:topic):topic\n")
                .contains("method maybe(topic:topic?):topic?\n",
                        "method many(set:set<topic>,optional:topic?,array:list<topic>):map<topic,list<topic>>\n",
                        "record ev.S(count:int,topic:topic)\n",
                        "record ev.Tagged(name:string,topic:topic,other:topic?)\n")
                .contains(EVENT_TEXT.lines().map(l -> l + "\n").toList());
        String fingerprint = HexFormat.of().formatHex(sha256(descriptor.schema()));
        assertThat(descriptor.fingerprintHex()).isEqualTo(fingerprint);
    }

    @Test
    void everyEventRoundTripsThroughTheCodec() throws Exception {
        Codec<?> codec = descriptor.events().codec();
        List<Object> events = List.of(newRecord("ev.E$Incremented", 2, 1), newRecord("ev.E$Decremented", -5, -4),
                newRecord("ev.E$ServerSentTest"), newRecord("ev.E$Incremented", Integer.MAX_VALUE, Integer.MIN_VALUE));
        for (Object e : events) {
            byte[] bytes = encode(codec, e);
            assertThat(read(bytes, codec)).as("%s", e).isEqualTo(e);
        }
        // tag (index in permits), the length of the content, then the components as ZigZag varints
        assertThat(encode(codec, events.get(0))).containsExactly(0, 2, 4, 2);
        assertThat(encode(codec, events.get(1))).containsExactly(1, 2, 9, 7);
        assertThat(encode(codec, events.get(2))).containsExactly(2, 0);
    }

    @Test
    void changingTheEventTypeChangesTheFingerprintAndTheEventHash() throws Exception {
        Map<String, String> changed = new HashMap<>(CONTRACT);
        changed.put("ev.E", CONTRACT.get("ev.E").replace("record ServerSentTest()", "record ServerSentTest(String why)"));
        ServiceDescriptor<?> d = compileDescriptor(changed);
        assertThat(d.fingerprintHex()).isNotEqualTo(descriptor.fingerprintHex());
        assertThat(d.events().schemaHash()).isNotEqualTo(descriptor.events().schemaHash());
        assertThat(d.state().schemaHash()).isEqualTo(descriptor.state().schemaHash());
        assertThat(d.method("increment").signatureHash()).isEqualTo(descriptor.method("increment").signatureHash());

        Map<String, String> reordered = new HashMap<>(CONTRACT);
        reordered.put("ev.E", CONTRACT.get("ev.E").replace("permits E.Incremented, E.Decremented",
                "permits E.Decremented, E.Incremented"));
        assertThat(compileDescriptor(reordered).events().schemaHash()).isNotEqualTo(descriptor.events().schemaHash());
    }

    @Test
    void theEventHashChangesOnlyWithTheEventTypeAndTheTypesItReaches() throws Exception {
        // a change elsewhere in the contract: the fingerprint changes, the event hash does not
        Map<String, String> otherChange = new HashMap<>(CONTRACT);
        otherChange.put("ev.Counter", CONTRACT.get("ev.Counter").replace("int increment(int amount);",
                "int increment(int amount);\n\n    void reset();"));
        otherChange.put("ev.S", CONTRACT.get("ev.S").replace("int count", "long count"));
        otherChange.put("ev.Tagged", CONTRACT.get("ev.Tagged").replace("String name", "String label"));
        ServiceDescriptor<?> other = compileDescriptor(otherChange);
        assertThat(other.fingerprintHex()).isNotEqualTo(descriptor.fingerprintHex());
        assertThat(other.events().schemaHash()).isEqualTo(descriptor.events().schemaHash());

        // a type the events reach: changing it changes the event hash
        Map<String, String> reaching = new HashMap<>(CONTRACT);
        reaching.put("ev.E", CONTRACT.get("ev.E").replace("record ServerSentTest()", "record ServerSentTest(Level l)"));
        reaching.put("ev.Level", "package ev;\npublic enum Level { LOW, HIGH }\n");
        Map<String, String> reachingChanged = new HashMap<>(reaching);
        reachingChanged.put("ev.Level", "package ev;\npublic enum Level { LOW, MID, HIGH }\n");
        ServiceDescriptor<?> before = compileDescriptor(reaching);
        ServiceDescriptor<?> after = compileDescriptor(reachingChanged);
        assertThat(before.events().schemaHash()).isEqualTo(hash64(EVENT_TEXT.replace(
                "record ev.E.ServerSentTest()", "record ev.E.ServerSentTest(l:ev.Level)") + "enum ev.Level{LOW,HIGH}\n"));
        assertThat(after.events().schemaHash()).isNotEqualTo(before.events().schemaHash());
        assertThat(after.fingerprintHex()).isNotEqualTo(before.fingerprintHex());
    }

    @Test
    void withoutEventsTheDescriptorAndClientHaveNone() throws Exception {
        Map<String, String> none = new HashMap<>(CONTRACT);
        none.put("ev.Counter", CONTRACT.get("ev.Counter").replace(", events = E.class", ""));
        Compilation c = Compilation.compile(none);
        assertThat(c.success).as(c.report()).isTrue();
        try (URLClassLoader l = c.classLoader()) {
            ServiceDescriptor<?> d = descriptor(l, "ev.CounterSchema");
            assertThat(d.events()).isNull();
            assertThat(d.schema()).doesNotContain("events ").doesNotContain("ev.E");
            assertThat(d.fingerprintHex()).isNotEqualTo(descriptor.fingerprintHex());
        }
        assertThat(c.generated.get("ev.CounterClient")).doesNotContain("events()", "onEvent", "EventListener");
        assertThat(c.generated.get("ev.CounterCodecs")).doesNotContain("ECodec");
    }

    @Test
    void anEnumEventTypeWithoutStateIsDefinedEvenWhenNoMethodUsesIt() throws Exception {
        Compilation c = Compilation.compile(Map.of(
                "ev.Counter", "package ev;\n@dev.hardlight.Rpc(events = Kind.class)\n"
                        + "public interface Counter { int get(); }\n",
                "ev.Kind", "package ev;\npublic enum Kind { UP, DOWN }\n"));
        assertThat(c.success).as(c.report()).isTrue();
        try (URLClassLoader l = c.classLoader()) {
            ServiceDescriptor<?> d = descriptor(l, "ev.CounterSchema");
            assertThat(d.state()).isNull();
            assertThat(d.schema()).isEqualTo("service Counter\nevents ev.Kind\nmethod get():int\nenum ev.Kind{UP,DOWN}\n");
            assertThat(d.events().type()).isSameAs(l.loadClass("ev.Kind"));
            assertThat(d.events().schemaHash()).isEqualTo(hash64("enum ev.Kind{UP,DOWN}\n"));
            Object down = l.loadClass("ev.Kind").getField("DOWN").get(null);
            assertThat(encode(d.events().codec(), down)).containsExactly(1);
            assertThat(read(new byte[] {1}, d.events().codec())).isSameAs(down);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void clientEventMethodsDelegateToTheChannel() throws Exception {
        EventStream<Object> stream = new EventStream<>() {
            @Override
            public Event<Object> take() {
                return new Event<>(Topic.of("t"), "x", 3);
            }

            @Override
            public Optional<Event<Object>> poll(Duration timeout) {
                return Optional.empty();
            }

            @Override
            public int size() {
                return 0;
            }

            @Override
            public long missed() {
                return 0;
            }

            @Override
            public long skippedUnknown() {
                return 0;
            }
        };
        List<Object> calls = new ArrayList<>();
        RpcChannel channel = (RpcChannel) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RpcChannel.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "view" -> proxy; // the typed view of this very channel
                    case "events" -> stream;
                    case "addEventListener", "removeEventListener" -> {
                        calls.add(m.getName());
                        calls.add(args[0]);
                        yield null;
                    }
                    default -> null;
                });
        Class<?> clientClass = loader.loadClass("ev.CounterClient");
        Object client = clientClass.getConstructor(RpcChannel.class).newInstance(channel);
        assertThat(clientClass.getMethod("events").getReturnType()).isSameAs(EventStream.class);
        assertThat(clientClass.getMethod("events").getGenericReturnType().getTypeName())
                .isEqualTo("dev.hardlight.EventStream<ev.E>");
        assertThat(clientClass.getMethod("events").invoke(client)).isSameAs(stream);
        EventListener<Object> listener = event -> { };
        clientClass.getMethod("onEvent", EventListener.class).invoke(client, listener);
        clientClass.getMethod("removeEventListener", EventListener.class).invoke(client, listener);
        assertThat(calls).containsExactly("addEventListener", listener, "removeEventListener", listener);
        assertThat(clientClass.getMethod("onEvent", EventListener.class).getGenericParameterTypes()[0].getTypeName())
                .isEqualTo("dev.hardlight.EventListener<ev.E>");
    }

    /** A client whose channel runs each call through the generated dispatcher on an echoing handler. */
    private Object echoClient() throws Exception {
        Class<?> service = loader.loadClass("ev.Counter");
        Object handler = Proxy.newProxyInstance(loader, new Class<?>[] {service}, (proxy, m, args) -> switch (m.getName()) {
            case "increment" -> (Integer) args[0] + 1;
            case "many" -> {
                Map<Topic, List<Topic>> result = new HashMap<>();
                for (Object t : (Set<?>) args[0]) {
                    result.put((Topic) t, List.of(((Optional<?>) args[1]).map(Topic.class::cast).orElse(Topic.EMPTY)));
                }
                result.put(Topic.of("array"), List.of((Topic[]) args[2]));
                yield result;
            }
            default -> args[0];
        });
        @SuppressWarnings("unchecked")
        ServiceDispatcher<Object> dispatcher = (ServiceDispatcher<Object>) descriptor.dispatcher();
        RpcChannel channel = (RpcChannel) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RpcChannel.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "view" -> proxy; // the typed view of this very channel
                    case "call" -> {
                        MethodDescriptor<?> method = (MethodDescriptor<?>) args[0];
                        byte[] request = write(out -> ((ArgumentWriter) args[1]).write(out));
                        ByteBuf in = Unpooled.wrappedBuffer(request);
                        ByteBuf out = Unpooled.buffer();
                        try {
                            dispatcher.dispatch(handler, method.id(), new ByteBufWireReader(in), new ByteBufWireWriter(out));
                            yield read(ByteBufUtil.getBytes(out), method.returnCodec());
                        } finally {
                            in.release();
                            out.release();
                        }
                    }
                    default -> null;
                });
        return loader.loadClass("ev.CounterClient").getConstructor(RpcChannel.class).newInstance(channel);
    }

    @Test
    void topicRoundTripsAsParameterResultAndRecordComponent() throws Exception {
        Object client = echoClient();
        Class<?> c = client.getClass();
        assertThat(c.getMethod("increment", int.class).invoke(client, 41)).isEqualTo(42);
        Topic room = Topic.of("room-1");
        Topic binary = Topic.of(new byte[] {0, (byte) 0xff, 10});
        Topic longest = Topic.of(new byte[Topic.MAX_LENGTH]);
        for (Topic t : List.of(room, binary, longest, Topic.EMPTY, Topic.random())) {
            assertThat(c.getMethod("echo", Topic.class).invoke(client, t)).isEqualTo(t);
            assertThat(c.getMethod("maybe", Topic.class).invoke(client, t)).isEqualTo(t);
        }
        assertThat(c.getMethod("maybe", Topic.class).invoke(client, (Object) null)).isNull();
        Object tagged = newRecord("ev.Tagged", "n", room, null);
        assertThat(c.getMethod("tag", tagged.getClass()).invoke(client, tagged)).isEqualTo(tagged);
        Object tagged2 = newRecord("ev.Tagged", "é", Topic.EMPTY, binary);
        assertThat(c.getMethod("tag", tagged.getClass()).invoke(client, tagged2)).isEqualTo(tagged2);
        Object many = c.getMethod("many", Set.class, Optional.class, Topic[].class).invoke(client, Set.of(room, binary),
                Optional.of(longest), new Topic[] {Topic.EMPTY, room});
        assertThat(many).isEqualTo(Map.of(room, List.of(longest), binary, List.of(longest),
                Topic.of("array"), List.of(Topic.EMPTY, room)));
        // the wire form: varint length, then the bytes
        @SuppressWarnings("unchecked")
        Codec<Object> echo = (Codec<Object>) descriptor.method("echo").returnCodec();
        assertThat(encode(echo, room)).isEqualTo(write(out -> {
            out.writeVarInt(6);
            out.writeRaw("room-1".getBytes(StandardCharsets.UTF_8), 0, 6);
        }));
    }

    @Test
    @SuppressWarnings("unchecked")
    void topicIsAStateFieldWithTheEmptyTopicAsItsZero() throws Exception {
        StateCodec<Object> codec = (StateCodec<Object>) descriptor.state();
        Object initial = codec.initial();
        assertThat(initial).isEqualTo(newRecord("ev.S", 0, Topic.EMPTY));
        assertThat(loader.loadClass("ev.S").getMethod("topic").invoke(initial)).isSameAs(Topic.EMPTY);
        Object state = newRecord("ev.S", 7, Topic.of("room-1"));
        assertThat(codec.fieldEquals(state, newRecord("ev.S", 7, Topic.of("room-1".getBytes(StandardCharsets.UTF_8))), 1))
                .isTrue();
        assertThat(codec.fieldEquals(state, initial, 1)).isFalse();
        byte[] delta = write(out -> {
            out.writeVarInt(1);
            codec.encodeField(state, 1, out);
        });
        ByteBuf buf = Unpooled.wrappedBuffer(delta);
        try {
            ByteBufWireReader in = new ByteBufWireReader(buf);
            assertThat(codec.applyDelta(initial, 1, in)).isEqualTo(newRecord("ev.S", 0, Topic.of("room-1")));
            in.expectEnd("delta");
        } finally {
            buf.release();
        }
        ByteBuf snapshot = Unpooled.wrappedBuffer(write(out -> codec.encode(state, out)));
        try {
            assertThat(codec.decode(new ByteBufWireReader(snapshot))).isEqualTo(state);
        } finally {
            snapshot.release();
        }
        assertThat(compilation.generated.get("ev.CounterCodecs")).contains("dev.hardlight.Topic.EMPTY");
    }
}
