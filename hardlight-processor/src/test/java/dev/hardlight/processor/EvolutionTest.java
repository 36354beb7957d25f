package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The processor's side of schema evolution: {@code @Default} and {@code @Fallback} misuse reported as
 * tagged errors on the element, the schema file written to the class output, and the breaking-change
 * check against the committed baseline files in {@code src/test/resources/baseline/}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EvolutionTest {
    private static final String IMPORTS = """
            package p;

            import dev.hardlight.*;
            import java.util.*;

            """;
    private static final Path BASELINE = Path.of("src", "test", "resources", "baseline");

    private static List<String> errors(Compilation c) {
        return c.errors().stream().map(d -> d.getMessage(Locale.ROOT)).toList();
    }

    private static Compilation contract(String body, String types) {
        return Compilation.compile(Map.of("p.Svc", IMPORTS + "@Rpc public interface Svc {\n" + body + "\n" + types
                + "\n}\n"));
    }

    @Test
    void defaultsAndFallbacksOfEveryAllowedKindCompile() {
        Compilation c = contract("""
                    R get(@Default("-3") int a, @Default("x y") String s, @Default("B") E e, @Default("1.5") double d,
                          @Default("true") Boolean flag, @Default("q") char ch, @Default("9000000000") long l);
                """, """
                    record R(@Default("7") int n, @Default("0.25") float f, @Default("-1") short s, @Default("2") byte b) {}
                    enum E { @Fallback A, B }
                    sealed interface S permits S.X, S.Y { @Fallback record X() implements S {} record Y(int v) implements S {} }
                """);
        assertThat(c.success).as(c.report()).isTrue();
        String dispatcher = c.generated.get("p.SvcDispatcher");
        assertThat(dispatcher).contains("in.hasMore() ? in.readInt() : -3", "in.hasMore() ? in.readString() : \"x y\"",
                ": p.Svc.E.B", ": 9000000000L", ": (char) 113", ": true");
        assertThat(c.generated.get("p.SvcCodecs")).contains("in.hasMore() ? in.readInt() : 7", ": (short) -1",
                ": (byte) 2", "return p.Svc.E.A; // @Fallback");
    }

    @Test
    void misusedDefaultsAreTaggedErrorsOnTheElement() {
        Compilation c = contract("""
                    void a(@Default("x") int n);
                    void b(@Default("[]") List<Integer> l);
                    void c(@Default("C") E e);
                    void d(@Nullable @Default("a") String s);
                    void e(@Default("1") Optional<Integer> o);
                    void f(@Default("300") byte b);
                    void g(@Default("ab") char ch);
                """, """
                    enum E { A, B }
                """);
        assertThat(c.success).isFalse();
        assertThat(errors(c)).containsExactlyInAnyOrder(
                "[HardLight] method a parameter 'n': @Default(\"x\"): not a valid int literal",
                "[HardLight] method b parameter 'l': @Default(\"[]\"): @Default applies to primitives, their boxes, "
                        + "String and enums; the default of java.util.List<java.lang.Integer> is its zero value",
                "[HardLight] method c parameter 'e': @Default(\"C\"): enum p.Svc.E has no constant C",
                "[HardLight] method d parameter 's': @Default(\"a\") on a @Nullable or Optional element: its default "
                        + "is empty (null); remove @Default",
                "[HardLight] method e parameter 'o': @Default(\"1\") on a @Nullable or Optional element: its default "
                        + "is empty (null); remove @Default",
                "[HardLight] method f parameter 'b': @Default(\"300\"): not a valid byte literal",
                "[HardLight] method g parameter 'ch': @Default(\"ab\"): not one char");
    }

    @Test
    void misusedFallbacksAreTaggedErrors() {
        Compilation c = contract("""
                    void a(E e, S s, R r);
                """, """
                    enum E { @Fallback A, @Fallback B }
                    sealed interface S permits S.X, S.Y, S.Z { @Fallback record X() implements S {} @Fallback record Y() implements S {} enum Z implements S { Q } }
                    @Fallback record R() {}
                """);
        assertThat(c.success).isFalse();
        assertThat(errors(c)).containsExactlyInAnyOrder(
                "[HardLight] enum p.Svc.E: @Fallback on B and A: at most one constant per enum may be the fallback",
                "[HardLight] sealed interface p.Svc.S: @Fallback on p.Svc.S.Y and p.Svc.S.X: at most one permitted "
                        + "record per sealed interface may be the fallback",
                "[HardLight] record p.Svc.R: @Fallback applies to a permitted record of a sealed interface (or an enum "
                        + "constant)");
    }

    @Test
    void theSchemaIsWrittenToTheClassOutput() throws IOException {
        Compilation c = Versions.of("v1").compilation;
        Path schema = c.classes.resolve("META-INF/hardlight/evo.Shop.schema");
        assertThat(Files.readString(schema)).isEqualTo(Files.readString(BASELINE.resolve("evo.Shop.schema")));
        assertThat(Files.readString(schema)).startsWith("service Shop\nstate evo.Shop.State\nevents evo.Shop.Shape\n"
                + "method find(name:string):evo.Shop.Item\n");
    }

    @Test
    void aCompatibleContractPassesTheBaselineCheckWithWarningsForGrownTypesWithoutFallback() {
        Compilation c = Compilation.compile(Versions.sources("v2"), "-Ahardlight.baseline=" + BASELINE.toAbsolutePath());
        List<String> warnings = c.diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.WARNING)
                .map(d -> d.getMessage(Locale.ROOT)).toList();
        // -Werror turns the one warning into the only failure: Color gained BLUE and has no @Fallback
        assertThat(warnings).as(c.report()).containsExactly("[HardLight] evo.Shop.Color has constants or subtypes "
                + "the baseline lacks and no @Fallback: peers built from the baseline fail to decode them (an event is "
                + "skipped); mark a @Fallback to let them");
        assertThat(errors(c)).as(c.report()).containsExactly("warnings found and -Werror specified");
    }

    @Test
    void theUnchangedContractPassesTheBaselineCheck() {
        Compilation c = Compilation.compile(Versions.sources("v1"), "-Ahardlight.baseline=" + BASELINE.toAbsolutePath());
        assertThat(c.success).as(c.report()).isTrue();
    }

    @Test
    void everyBreakingChangeIsACompileErrorNamingIt() {
        String broken = Versions.sources("v1").get("evo.Shop")
                .replace("Item find(String name);", "Item find(long name);")
                .replace("Tone tone(Tone tone);", "")
                .replace("enum Color { RED, GREEN }", "enum Color { RED, BLUE }")
                .replace("record State(int counter, String user) {}", "record State(long counter, String user) {}")
                .replace("record Circle(double radius)", "record Circle(float radius)");
        Compilation c = Compilation.compile(Map.of("evo.Shop", broken), "-Ahardlight.baseline="
                + BASELINE.toAbsolutePath());
        String file = BASELINE.toAbsolutePath().resolve("evo.Shop.schema").toString();
        assertThat(c.success).isFalse();
        assertThat(errors(c)).containsExactlyInAnyOrder(
                "[HardLight] breaking change against the baseline " + file + ": method find: parameter 1 is "
                        + "'name:long' now and 'name:string' in the baseline",
                "[HardLight] breaking change against the baseline " + file + ": method paint: enum evo.Shop.Color "
                        + "constant 2 is BLUE now and GREEN in the baseline",
                "[HardLight] breaking change against the baseline " + file + ": method tone was removed: clients of "
                        + "the baseline get UNIMPLEMENTED",
                "[HardLight] breaking change against the baseline " + file + ": method draw: record "
                        + "evo.Shop.Shape.Circle component 1 is 'radius:float' now and 'radius:double' in the baseline",
                "[HardLight] breaking change against the baseline " + file + ": the connection state: record "
                        + "evo.Shop.State component 1 is 'counter:long' now and 'counter:int' in the baseline",
                "[HardLight] breaking change against the baseline " + file + ": the event type: record "
                        + "evo.Shop.Shape.Circle component 1 is 'radius:float' now and 'radius:double' in the baseline");
    }
}
