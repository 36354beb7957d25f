package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule of a contract, broken once: a tagged error on the element that breaks it, and no output. */
class ValidationTest {
    private static final String IMPORTS = """
            package p;

            import dev.hardlight.Nullable;
            import dev.hardlight.Rpc;
            import java.util.*;

            """;

    /** One rule broken once: the contract's sources and the one error expected, at its element. */
    record Broken(String rule, Map<String, String> sources, String message, String file, String text) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private static Broken broken(String rule, Map<String, String> sources, String message, String file, String text) {
        return new Broken(rule, sources, message, file, text);
    }

    static Stream<Broken> brokenRules() {
        return Stream.of(
                broken("rejectsAClass", Map.of("p.Svc", IMPORTS + "@Rpc public class Svc {}\n"),
                        "@Rpc applies to interfaces only; Svc is a class", "p.Svc", "@Rpc public class Svc"),
                broken("rejectsAGenericMethod", contract("<T> void put(List<T> values);"),
                        "method put must not be generic", "p.Svc", "<T> void put"),
                broken("rejectsOverloads", contract("void put(int a);\n    void put(String s);"),
                        "overloaded method put: method names must be unique", "p.Svc", "void put(String s)"),
                broken("rejectsObjectParameter", contract("void put(Object thing);"),
                        "method put parameter 'thing': unsupported type java.lang.Object", "p.Svc", "Object thing"),
                broken("rejectsUnsupportedRecordComponentNamingTheRecord", Map.of(
                        "p.Svc", IMPORTS + "@Rpc public interface Svc { void put(Point p); }\n",
                        "p.Point", "package p;\npublic record Point(int x, java.util.Date when) {}\n"),
                        "record p.Point component 'when': unsupported type java.util.Date", "p.Point",
                        "java.util.Date when"),
                broken("rejectsAWildcard", contract("void put(List<? extends Number> numbers);"),
                        "method put parameter 'numbers': unsupported type ? extends java.lang.Number "
                        + "(in java.util.List<? extends java.lang.Number>): wildcards are not supported", "p.Svc",
                        "List<? extends Number> numbers"),
                broken("rejectsARawList", contract("@SuppressWarnings(\"rawtypes\") List all();"),
                        "method all return type: unsupported type java.util.List: raw types are not supported",
                        "p.Svc", "@SuppressWarnings(\"rawtypes\") List all()"),
                broken("rejectsAPlainClass", Map.of(
                        "p.Svc", IMPORTS + "@Rpc public interface Svc { Thing get(); }\n",
                        "p.Thing", "package p;\npublic class Thing {}\n"),
                        "method get return type: unsupported type p.Thing: only records, enums, sealed interfaces",
                        "p.Svc", "Thing get()"),
                broken("rejectsAMapWithAnArrayKey", contract("void put(Map<int[], String> byKey);"),
                        "method put parameter 'byKey': unsupported map key type int[]: arrays compare by identity",
                        "p.Svc", "Map<int[], String> byKey"),
                broken("rejectsAMapWithAnUnsupportedKey", contract("void put(Map<Object, String> byKey);"),
                        "method put parameter 'byKey': unsupported type java.lang.Object (in java.util.Map<",
                        "p.Svc", "Map<Object, String> byKey"),
                broken("rejectsAnUncheckedDeclaredException", contract("void put(int a) throws IllegalStateException;"),
                        "method put: declared exception java.lang.IllegalStateException must be a checked exception",
                        "p.Svc", "void put(int a)"),
                broken("saysToDeclareAHashMapAsMap", contract("void put(java.util.HashMap<String, Integer> byName);"),
                        "declare it as Map<K,V> (the interface)", "p.Svc", "java.util.HashMap<String, Integer> byName"),
                broken("rejectsAnOverlyBroadDeclaredException", contract("void put(int a) throws Exception;"),
                        "method put: declared exception java.lang.Exception is too broad: every failure of the handler",
                        "p.Svc", "void put(int a)"),
                broken("rejectsThrowableWithTheSameAdvice", contract("void put(int a) throws Throwable;"),
                        "method put: declared exception java.lang.Throwable is too broad", "p.Svc", "void put(int a)"),
                broken("rejectsIOExceptionAsTooBroad", contract("void put(int a) throws java.io.IOException;"),
                        "method put: declared exception java.io.IOException is too broad", "p.Svc", "void put(int a)"),
                broken("rejectsADeclaredExceptionWithoutAMessageConstructor", Map.of(
                        "p.Svc", IMPORTS + "@Rpc public interface Svc {\n    void put(int a) throws Bad;\n}\n",
                        "p.Bad", "package p;\npublic class Bad extends Exception { public Bad(int code) {} }\n"),
                        "method put: declared exception p.Bad must be a public, non-abstract, static (if nested) "
                        + "class with a public constructor taking the message (String)", "p.Svc", "void put(int a)"),
                broken("rejectsNullableOnAPrimitive", contract("void put(@Nullable int a);"),
                        "method put parameter 'a': @Nullable on primitive type int", "p.Svc", "@Nullable int a"),
                broken("rejectsNullableOnAPrimitiveRecordComponent", Map.of(
                        "p.Svc", IMPORTS + "@Rpc public interface Svc { void put(Point p); }\n",
                        "p.Point", "package p;\nimport dev.hardlight.Nullable;\npublic record Point(@Nullable int x) {}\n"),
                        "record p.Point component 'x': @Nullable on primitive type int", "p.Point",
                        "@Nullable int x"),
                broken("rejectsASealedInterfacePermittingAClass", Map.of(
                        "p.Svc", IMPORTS + "@Rpc public interface Svc { void put(Shape s); }\n",
                        "p.Shape", """
                                package p;
                                public sealed interface Shape permits Circle, Blob {}
                                """,
                        "p.Circle", "package p;\npublic record Circle(double r) implements Shape {}\n",
                        "p.Blob", "package p;\npublic final class Blob implements Shape {}\n"),
                        "sealed interface p.Shape permits p.Blob, which is not a record, an enum or a sealed "
                        + "interface", "p.Shape", "public sealed interface Shape"),
                broken("rejectsAStateThatIsNoRecord", Map.of("p.Svc", IMPORTS + "@Rpc(state = String.class)\npublic interface Svc { int get(); }\n"),
                        "@Rpc(state = java.lang.String.class): the connection state must be a record annotated "
                        + "@ConnectionState", "p.Svc", "String.class"),
                broken("rejectsAStateRecordWithoutConnectionState", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                        "p.S", "package p;\npublic record S(int a) {}\n"),
                        "@Rpc(state = p.S.class): record p.S is not annotated @ConnectionState", "p.Svc",
                        "S.class"),
                broken("rejectsAGenericStateRecord", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                        "p.S", "package p;\n@dev.hardlight.ConnectionState\npublic record S<T>(int a) {}\n"),
                        "@Rpc(state = p.S.class): the connection state record must not be generic", "p.Svc",
                        "S.class"),
                broken("rejectsAStateRecordTheGeneratedCodeCannotName", Map.of("p.Outer", """
                        package p;

                        import dev.hardlight.ConnectionState;
                        import dev.hardlight.Rpc;

                        public class Outer {
                            @ConnectionState
                            private record S(int a) {}

                            @Rpc(state = S.class)
                            public interface Svc { int get(); }
                        }
                        """),
                        "@Rpc(state = p.Outer.S.class): record p.Outer.S must be top-level or a static member, and "
                        + "accessible from package 'p'", "p.Outer", "S.class"),
                broken("rejectsAnUnsupportedStateComponentOnTheComponent", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                        "p.S", "package p;\n@dev.hardlight.ConnectionState\npublic record S(int a, Object thing) {}\n"),
                        "record p.S component 'thing': unsupported type java.lang.Object", "p.S", "Object thing"),
                broken("rejectsNullableOnAPrimitiveStateComponent", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                        "p.S", "package p;\n@dev.hardlight.ConnectionState\n"
                                + "public record S(@dev.hardlight.Nullable int a) {}\n"),
                        "record p.S component 'a': @Nullable on primitive type int", "p.S", "@dev.hardlight.Nullable int a"),
                broken("rejectsAStateWithACycleOfRequiredComponents", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                        "p.S", "package p;\n@dev.hardlight.ConnectionState\npublic record S(int a, Node node) {}\n",
                        "p.Node", "package p;\npublic record Node(String name, Shape shape) {}\n",
                        "p.Shape", "package p;\npublic sealed interface Shape {\n"
                                + "    record Ring(Node inner) implements Shape {}\n    record Dot() implements Shape {}\n}\n"),
                        "@Rpc(state = p.S.class): the initial state cannot be built: p.S.node -> p.Node.shape -> "
                        + "p.Shape (first permitted subtype) -> p.Shape.Ring.inner -> p.Node closes a cycle of required components",
                        "p.Svc", "S.class"),
                broken("rejectsAStateReachingAnEnumWithoutConstants", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                        "p.S", "package p;\n@dev.hardlight.ConnectionState\npublic record S(E e) {}\n",
                        "p.E", "package p;\npublic enum E {}\n"),
                        "the initial state cannot be built: enum p.E has no constants", "p.Svc", "S.class"),
                broken("rejectsAGenericEventType", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(events = E.class)\npublic interface Svc { int get(); }\n",
                        "p.E", "package p;\npublic sealed interface E<T> {\n    record A(int a) implements E<String> {}\n}\n"),
                        "@Rpc(events = p.E.class): the event type must not be generic", "p.Svc", "E.class"),
                broken("rejectsAnEventTypeTheGeneratedCodeCannotName", Map.of("p.Outer", """
                        package p;

                        import dev.hardlight.Rpc;

                        public class Outer {
                            private enum E { A }

                            @Rpc(events = E.class)
                            public interface Svc { int get(); }
                        }
                        """),
                        "@Rpc(events = p.Outer.E.class): type p.Outer.E must be top-level or a static member, and "
                        + "accessible from package 'p'", "p.Outer", "E.class"),
                broken("rejectsAnEventTypePermittingAnUnsupportedSubtype", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(events = E.class)\npublic interface Svc { int get(); }\n",
                        "p.E", "package p;\npublic sealed interface E {\n    record A(int a) implements E {}\n"
                                + "    final class B implements E {}\n}\n"),
                        "@Rpc(events = p.E.class): sealed interface p.E permits p.E.B, which is not a record, an enum "
                        + "or a sealed interface", "p.Svc", "E.class"),
                broken("rejectsAnUnsupportedEventComponentOnTheComponent", Map.of(
                        "p.Svc", IMPORTS + "@Rpc(events = E.class)\npublic interface Svc { int get(); }\n",
                        "p.E", "package p;\npublic sealed interface E {\n    record A(int a, Object thing) implements E {}\n}\n"),
                        "record p.E.A component 'thing': unsupported type java.lang.Object", "p.E", "Object thing"),
                broken("rejectsAnInvalidFeatureName", contract("int open();\n    @dev.hardlight.Requires(\"not allowed\") int gated();"),
                        "method gated: @Requires(\"not allowed\"): invalid feature name (expected: 1 to 64 "
                        + "characters of ASCII letters, digits, '.', '_', '-' or ':')", "p.Svc",
                        "@dev.hardlight.Requires(\"not allowed\") int gated()"));
        }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void rejectsABrokenRuleWithATaggedErrorAtItsElement(Broken b) {
        assertErrorAt(compile(b.sources()), b.message(), b.file(), b.text());
    }

    @Test
    void rejectsAGenericInterface() {
        Compilation c = compile(Map.of("p.Svc", IMPORTS + "@Rpc public interface Svc<T> { void put(T value); }\n"));
        assertErrorAt(c, "@Rpc interface p.Svc must not be generic", "p.Svc", "@Rpc public interface Svc<T>");
        assertErrorAt(c, "method put parameter 'value': unsupported type T: type variables are not supported",
                "p.Svc", "T value");
    }

    @Test
    void rejectsMethodNamesTheGeneratedClientReserves() {
        Compilation c = service("int close();\n    String channel();\n    java.util.Set<String> features();");
        assertErrorAt(c, "method close() is reserved by the generated client; rename it", "p.Svc", "int close()");
        assertErrorAt(c, "method channel() is reserved by the generated client; rename it", "p.Svc", "String channel()");
        assertErrorAt(c, "method features() is reserved by the generated client; rename it", "p.Svc",
                "java.util.Set<String> features()");
        Compilation d = service("int withDeadline(java.time.Duration d);");
        assertErrorAt(d, "method withDeadline(Duration) is reserved by the generated client; rename it", "p.Svc",
                "int withDeadline(java.time.Duration d)");
    }

    @Test
    void reportsEveryErrorInOneCompilation() {
        Compilation c = service("void a(Object x);\n    void b(java.util.Date y);\n    void c(@Nullable long z);");
        assertThat(c.errors()).as(c.report()).hasSize(3);
    }

    @Test
    void claimsItsAnnotationsSoLintWithWerrorPasses() {
        Compilation c = Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc public interface Svc {\n"
                + "    @dev.hardlight.Idempotent int get(@Nullable String name);\n}\n"), "-Xlint:all", "-Werror");
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(c.diagnostics).noneMatch(d -> d.getMessage(Locale.ROOT).contains("No processor claimed"));
    }

    @Test
    void ignoresDefaultAndStaticMethods() {
        Compilation c = Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc\npublic interface Svc {\n    int get();\n"
                + "    default int twice() { return 2 * get(); }\n    static Svc none() { return null; }\n}\n"));
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(c.generated.get("p.SvcSchema")).contains("method get():int\\n").doesNotContain("twice", "none");
    }

    @Test
    void turnsAProcessorCrashIntoATaggedError() {
        Compilation c = Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc public interface Svc { int get(); }\n"),
                "-Ahardlight.internal.crashForTests=true");
        assertThat(c.success).isFalse();
        assertThat(c.errors()).singleElement().satisfies(d -> {
            assertThat(d.getMessage(Locale.ROOT)).startsWith("[HardLight] internal error while processing p.Svc")
                    .contains("IllegalStateException: crash requested");
            assertThat(textAt(d)).startsWith("@Rpc public interface Svc");
        });
    }

    @Test
    void acceptsARecursiveStateThroughOptionalNullableOrCollections() {
        Compilation c = Compilation.compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc { int get(); }\n",
                "p.S", "package p;\nimport java.util.*;\n@dev.hardlight.ConnectionState\n"
                        + "public record S(Optional<S> parent, @dev.hardlight.Nullable S other, List<S> children, "
                        + "Map<String, S> named, S[] array) {}\n"));
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(c.generated.get("p.SvcCodecs")).contains("return new p.S(\n"
                + "                    java.util.Optional.empty(),\n"
                + "                    null,\n"
                + "                    java.util.List.of(),\n"
                + "                    java.util.Map.of(),\n"
                + "                    new p.S[0]);");
    }

    @Test
    void acceptsAConnectionStateRecordNoServiceNames() {
        Compilation c = Compilation.compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc\npublic interface Svc { int get(); }\n",
                "p.S", "package p;\n@dev.hardlight.ConnectionState\npublic record S(Object anything) {}\n"));
        assertThat(c.success).as(c.report()).isTrue();
    }

    @Test
    void rejectsAMethodClashingWithTheStateAccessor() {
        Compilation c = compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(state = S.class)\npublic interface Svc {\n    int state();\n"
                        + "    void onStateChange(dev.hardlight.StateListener<S> l);\n"
                        + "    void removeStateListener(int notAListener);\n}\n",
                "p.S", "package p;\n@dev.hardlight.ConnectionState\npublic record S(int a) {}\n"));
        assertErrorAt(c, "method state() clashes with the generated client's accessor of the connection state",
                "p.Svc", "int state()");
        assertErrorAt(c, "method onStateChange(StateListener) clashes with the generated client's method",
                "p.Svc", "void onStateChange(");
        assertThat(c.report()).doesNotContain("removeStateListener(StateListener) clashes");
    }

    @Test
    void allowsAMethodNamedStateWithoutConnectionState() {
        Compilation c = Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc\npublic interface Svc { int state(); }\n"));
        assertThat(c.success).as(c.report()).isTrue();
    }

    @Test
    void rejectsAnEventTypeThatIsNeitherASealedInterfaceNorAnEnum() {
        Compilation c = compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(events = String.class)\npublic interface Svc { int get(); }\n"));
        assertErrorAt(c, "@Rpc(events = java.lang.String.class): the event type must be a sealed interface (of "
                + "records, enums or sealed interfaces) or an enum", "p.Svc", "String.class");
        Compilation record = compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(events = R.class)\npublic interface Svc { int get(); }\n",
                "p.R", "package p;\npublic record R(int a) {}\n"));
        assertErrorAt(record, "@Rpc(events = p.R.class): the event type must be a sealed interface", "p.Svc", "R.class");
        Compilation plain = compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(events = I.class)\npublic interface Svc { int get(); }\n",
                "p.I", "package p;\npublic interface I {}\n"));
        assertErrorAt(plain, "@Rpc(events = p.I.class): the event type must be a sealed interface", "p.Svc", "I.class");
    }

    @Test
    void rejectsMethodsClashingWithTheClientsEventMethods() {
        Compilation c = compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(events = E.class)\npublic interface Svc {\n    int events();\n"
                        + "    void onEvent(dev.hardlight.EventListener<E> l);\n"
                        + "    void removeEventListener(dev.hardlight.EventListener<E> l);\n}\n",
                "p.E", "package p;\npublic enum E { A }\n"));
        assertErrorAt(c, "method events() clashes with the generated client's accessor of the event stream",
                "p.Svc", "int events()");
        assertErrorAt(c, "method onEvent(EventListener) clashes with the generated client's method", "p.Svc",
                "void onEvent(");
        assertErrorAt(c, "method removeEventListener(EventListener) clashes with the generated client's method",
                "p.Svc", "void removeEventListener(");
    }

    @Test
    void allowsMethodsNamedLikeTheEventMethodsWithoutEvents() {
        Compilation c = Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc\npublic interface Svc {\n"
                + "    int events();\n    void onEvent(int e);\n    void removeEventListener(String name);\n}\n"));
        assertThat(c.success).as(c.report()).isTrue();
        Compilation other = Compilation.compile(Map.of(
                "p.Svc", IMPORTS + "@Rpc(events = E.class)\npublic interface Svc {\n"
                        + "    int events(int n);\n    void onEvent(int e);\n}\n",
                "p.E", "package p;\npublic enum E { A }\n"));
        assertThat(other.success).as(other.report()).isTrue();
    }

    @Test
    void rejectsEveryFeatureNameFeaturesCheckNameRejects() {
        String tooLong = "a".repeat(65);
        Compilation c = service("@dev.hardlight.Requires(\"\") void empty();\n"
                + "    @dev.hardlight.Requires(\"" + tooLong + "\") void long65();\n"
                + "    @dev.hardlight.Requires(\"caf\u00e9\") void accented();\n"
                + "    @dev.hardlight.Requires(\"a/b\") void slash();");
        assertErrorAt(c, "method empty: @Requires(\"\"): invalid feature name", "p.Svc", "@dev.hardlight.Requires(\"\")");
        assertErrorAt(c, "method long65: @Requires(\"" + tooLong + "\"): invalid feature name", "p.Svc",
                "@dev.hardlight.Requires(\"" + tooLong + "\")");
        assertErrorAt(c, "method accented: @Requires(\"caf\\u00e9\"): invalid feature name", "p.Svc",
                "@dev.hardlight.Requires(\"caf\u00e9\")");
        assertErrorAt(c, "method slash: @Requires(\"a/b\"): invalid feature name", "p.Svc",
                "@dev.hardlight.Requires(\"a/b\")");
        assertThat(c.errors()).hasSize(4);
    }

    @Test
    void acceptsEveryFeatureNameFeaturesCheckNameAccepts() {
        for (String name : List.of("a", "authenticated", "role:admin", "Tier-2.beta_x", "9".repeat(64))) {
            dev.hardlight.Features.checkName(name);
            Compilation c = Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc\npublic interface Svc {\n"
                    + "    @dev.hardlight.Requires(\"" + name + "\") int get();\n}\n"));
            assertThat(c.success).as(name + ": " + c.report()).isTrue();
        }
    }

    private static Compilation service(String methods) {
        return compile(contract(methods));
    }

    /** A service contract {@code p.Svc} with these methods. */
    private static Map<String, String> contract(String methods) {
        return Map.of("p.Svc", IMPORTS + "@Rpc\npublic interface Svc {\n    " + methods + "\n}\n");
    }

    private static Compilation compile(Map<String, String> sources) {
        Compilation c = Compilation.compile(new LinkedHashMap<>(sources));
        assertThat(c.success).as("compilation should fail").isFalse();
        assertThat(c.generated).as("nothing generated for an invalid contract").isEmpty();
        return c;
    }

    /** Asserts an error containing {@code message} is reported in {@code file}, at {@code text}. */
    private static void assertErrorAt(Compilation c, String message, String file, String text) {
        List<Diagnostic<? extends JavaFileObject>> matching = c.errors().stream()
                .filter(d -> d.getMessage(Locale.ROOT).contains(message)).toList();
        assertThat(matching).as("an error containing <%s> among:%n%s", message, c.report()).hasSize(1);
        Diagnostic<? extends JavaFileObject> d = matching.get(0);
        assertThat(d.getMessage(Locale.ROOT)).startsWith("[HardLight] ");
        assertThat(d.getSource().getName()).endsWith(file.replace('.', '/') + ".java");
        assertThat(textAt(d)).as("source at the error's position (line %s)", d.getLineNumber()).startsWith(text);
    }

    private static String textAt(Diagnostic<? extends JavaFileObject> d) {
        try {
            return d.getSource().getCharContent(true).toString().substring((int) d.getStartPosition());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
