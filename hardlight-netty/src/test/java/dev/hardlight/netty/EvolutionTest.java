package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Connection;
import dev.hardlight.Event;
import dev.hardlight.EventStream;
import dev.hardlight.HandlerFactory;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.processor.RpcProcessor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two versions of one contract over real connections: {@code v1} and {@code v2} of
 * {@code hardlight-processor/src/test/resources/evolution/} (the same canonical names; v2 appends a
 * parameter, record components, an enum constant, a sealed subtype, a state component and a method),
 * each compiled at test time by the processor into a class loader of its own. An old client against a
 * new server and the reverse, every value checked on both sides; then contracts changed in forbidden
 * ways, each detected at connect with its precise message.
 */
@ExtendWith(LeakDetection.class)
@Timeout(180)
class EvolutionTest {
    private static final Path SOURCES = Path.of("..", "hardlight-processor", "src", "test", "resources", "evolution");
    private static final ClientOptions PLAIN = ClientOptions.builder().insecurePlaintext().build();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, ClassLoader> COMPILED = new ConcurrentHashMap<>();

    /** The contract {@code version} ("v1", "v2") with {@code edit} applied to its source, compiled once. */
    private static ClassLoader contract(String version, String key, UnaryOperator<String> edit) {
        return COMPILED.computeIfAbsent(version + "/" + key, k -> {
            try {
                String source = edit.apply(Files.readString(SOURCES.resolve(version).resolve("Shop.java")));
                Path dir = Files.createTempDirectory("hardlight-evolution");
                Path src = Files.createDirectories(dir.resolve("src/evo"));
                Path classes = Files.createDirectories(dir.resolve("classes"));
                Files.writeString(src.resolve("Shop.java"), source);
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
                try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                        StandardCharsets.UTF_8)) {
                    JavaCompiler.CompilationTask task = javac.getTask(null, fm, diagnostics,
                            List.of("-d", classes.toString(), "-s", dir.toString(), "-classpath",
                                    System.getProperty("java.class.path"), "--release", "21", "-proc:full"),
                            null, fm.getJavaFileObjects(src.resolve("Shop.java")));
                    task.setProcessors(List.of(new RpcProcessor()));
                    assertThat(task.call()).as(diagnostics.getDiagnostics().toString()).isTrue();
                }
                return new URLClassLoader(new URL[] {classes.toUri().toURL()}, EvolutionTest.class.getClassLoader());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static ClassLoader contract(String version) {
        return contract(version, "", UnaryOperator.identity());
    }

    /** Reflective access to one compiled version. */
    private record Version(ClassLoader loader) {
        Class<?> type(String name) {
            try {
                return Class.forName("evo.Shop" + (name.isEmpty() ? "" : "$" + name), true, loader);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }

        boolean isV2() {
            return type("Item").getRecordComponents().length == 3;
        }

        Object record(String name, Object... components) {
            try {
                var c = type(name).getDeclaredConstructors()[0];
                c.setAccessible(true);
                return c.newInstance(components);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        Object constant(String name, String constant) {
            for (Object o : type(name).getEnumConstants()) {
                if (((Enum<?>) o).name().equals(constant)) {
                    return o;
                }
            }
            throw new AssertionError(constant);
        }

        @SuppressWarnings("unchecked")
        ServiceDescriptor<Object> descriptor() {
            try {
                return (ServiceDescriptor<Object>) Class.forName("evo.ShopSchema", true, loader)
                        .getField("DESCRIPTOR").get(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A server of {@code v} whose handler records each call as text in {@code received}; its state is set
     * and two events emitted (a Square, which v1 does not know, then a Circle) on topic "t" at connect.
     */
    private static HardLightServer server(Version v, List<String> received) {
        HandlerFactory<Object> factory = connection -> handler(v, connection, received);
        return HardLight.server(v.descriptor(), factory).insecurePlaintext().bind("127.0.0.1", 0).start();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object handler(Version v, Connection connection, List<String> received) {
        connection.subscriptions().add(Topic.of("t"));
        connection.state((Class) v.type("State")).set(v.isV2() ? v.record("State", 5, "u", 9) : v.record("State", 5, "u"));
        return Proxy.newProxyInstance(v.loader(), new Class<?>[] {v.type("")}, (proxy, m, args) -> {
            received.add(m.getName() + java.util.Arrays.toString(args));
            return switch (m.getName()) {
                case "find" -> v.isV2() ? v.record("Item", args[0], args[1], 7) : v.record("Item", args[0]);
                case "draw" -> {
                    var events = connection.events((Class) v.type("Shape"));
                    events.emit(Topic.of("t"), v.isV2() ? v.record("Shape$Square", 2.0) : v.record("Shape$Circle", 0.5));
                    events.emit(Topic.of("t"), v.record("Shape$Circle", 1.5));
                    yield args[0];
                }
                case "added" -> (Integer) args[0] + 1;
                default -> args[0];
            };
        });
    }

    /** A generated client of {@code v} connected to {@code server}. */
    private static Object client(Version v, HardLightServer server) throws Exception {
        RpcChannel channel = HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"), PLAIN,
                v.descriptor());
        return Class.forName("evo.ShopClient", true, v.loader()).getConstructor(RpcChannel.class).newInstance(channel);
    }

    /** Calls {@code method} on a generated client; returns the result as text, or the RpcException's status and message. */
    private static String call(Object client, String method, Object... args) throws Exception {
        for (Method m : client.getClass().getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                try {
                    return String.valueOf(m.invoke(client, args));
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RpcException r) {
                        return r.status() + ": " + r.getMessage();
                    }
                    throw e;
                }
            }
        }
        throw new AssertionError("no " + method + "/" + args.length);
    }

    private static Object invoke(Object target, String method) throws Exception {
        return target.getClass().getMethod(method).invoke(target);
    }

    private static void close(Object client) throws Exception {
        invoke(client, "close");
    }

    @SuppressWarnings("unchecked")
    private static List<String> events(Object client, int n) throws Exception {
        EventStream<Object> stream = (EventStream<Object>) invoke(client, "events");
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event<Object> e = stream.poll(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT));
            values.add(String.valueOf(e.value()));
        }
        return values;
    }

    @Test
    void anOldClientWorksWithANewServer() throws Exception {
        Version v1 = new Version(contract("v1"));
        Version v2 = new Version(contract("v2"));
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (HardLightServer server = server(v2, received)) {
            Object client = client(v1, server);
            try {
                // the state snapshot: v2's appended component skipped
                assertThat(String.valueOf(invoke(client, "state"))).isEqualTo("State[counter=5, user=u]");
                // the parameter v1 does not send takes v2's @Default(10); the result's appended components are skipped
                assertThat(call(client, "find", "ab")).isEqualTo("Item[name=ab]");
                assertThat(call(client, "paint", v1.constant("Color", "GREEN"))).isEqualTo("GREEN");
                assertThat(call(client, "tone", v1.constant("Tone", "LOW"))).isEqualTo("LOW");
                // v2 answers with a Circle and emits a Square (unknown to v1: its @Fallback Other) then a Circle
                assertThat(call(client, "draw", v1.record("Shape$Circle", 1.5))).isEqualTo("Circle[radius=1.5]");
                assertThat(events(client, 2)).containsExactly("Other[]", "Circle[radius=1.5]");
                assertThat(received).containsExactly("find[ab, 10]", "paint[GREEN]", "tone[LOW]",
                        "draw[Circle[radius=1.5]]");
            } finally {
                close(client);
            }
        }
    }

    @Test
    void aNewClientWorksWithAnOldServer() throws Exception {
        Version v1 = new Version(contract("v1"));
        Version v2 = new Version(contract("v2"));
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (HardLightServer server = server(v1, received)) {
            Object client = client(v2, server);
            try {
                // the state component v1 lacks takes its zero
                assertThat(String.valueOf(invoke(client, "state"))).isEqualTo("State[counter=5, user=u, extra=0]");
                // v1 skips the appended parameter; v2 reads v1's Item with count 0 and quantity's @Default(1)
                assertThat(call(client, "find", "ab", 3)).isEqualTo("Item[name=ab, count=0, quantity=1]");
                assertThat(call(client, "paint", v2.constant("Color", "GREEN"))).isEqualTo("GREEN");
                // BLUE is unknown to v1's Color, which has no @Fallback: the call is refused, the connection stays
                assertThat(call(client, "paint", v2.constant("Color", "BLUE"))).isEqualTo("INVALID_ARGUMENT: cannot "
                        + "decode the arguments of paint: malformed message: unknown ordinal 2 of enum evo.Shop.Color (a "
                        + "newer peer's constant: mark a constant @Fallback to accept it)");
                // HIGH is unknown to v1's Tone: its @Fallback UNKNOWN, which v1 sends back
                assertThat(call(client, "tone", v2.constant("Tone", "HIGH"))).isEqualTo("UNKNOWN");
                // a Square is unknown to v1's Shape: its @Fallback Other
                assertThat(call(client, "draw", v2.record("Shape$Square", 2.0))).isEqualTo("Other[]");
                assertThat(events(client, 2)).containsExactly("Circle[radius=0.5]", "Circle[radius=1.5]");
                assertThat(call(client, "added", 1)).startsWith("UNIMPLEMENTED: the server does not implement Shop.added");
                assertThat(received).containsExactly("find[ab]", "paint[GREEN]", "tone[UNKNOWN]", "draw[Other[]]");
            } finally {
                close(client);
            }
        }
    }

    @Test
    void forbiddenChangesAreDetectedAtConnectAndNamed() throws Exception {
        Version v1 = new Version(contract("v1"));
        Version renamed = new Version(contract("v1", "broken-methods", s -> s
                .replace("Item find(String name);", "Item find(long name);")
                .replace("enum Tone { @Fallback UNKNOWN, LOW }", "enum Tone { @Fallback UNKNOWN, HIGH }")));
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (HardLightServer server = server(renamed, received)) {
            Object client = client(v1, server);
            try {
                assertThat(call(client, "find", "ab")).isEqualTo("INCOMPATIBLE: Shop.find is incompatible with the "
                        + "server: parameter 1 is 'name:string' here and 'name:long' there");
                assertThat(call(client, "tone", v1.constant("Tone", "LOW"))).isEqualTo("INCOMPATIBLE: Shop.tone is "
                        + "incompatible with the server: enum evo.Shop.Tone constant 2 is LOW here and HIGH there");
                assertThat(call(client, "paint", v1.constant("Color", "RED"))).isEqualTo("RED"); // unchanged
                assertThat(received).containsExactly("paint[RED]");
            } finally {
                close(client);
            }
        }
        // a state or an event type that cannot be read: the connection itself is refused, naming the difference
        Version events = new Version(contract("v1", "broken-events", s -> s
                .replace("record Circle(double radius)", "record Circle(float radius)")));
        try (HardLightServer server = server(events, received)) {
            assertThatThrownBy(() -> client(v1, server))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INCOMPATIBLE))
                    .hasMessage("the server's event type is incompatible with this client's evo.Shop.Shape: record "
                            + "evo.Shop.Shape.Circle component 1 is 'radius:double' here and 'radius:float' there");
        }
        Version state = new Version(contract("v1", "broken-state", s -> s
                .replace("record State(int counter, String user)", "record State(int counter, String name)")));
        try (HardLightServer server = server(state, received)) {
            assertThatThrownBy(() -> client(v1, server))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INCOMPATIBLE))
                    .hasMessage("the server's connection state is incompatible with this client's evo.Shop.State: "
                            + "record evo.Shop.State component 2 is 'user:string' here and 'name:string' there");
        }
    }
}
