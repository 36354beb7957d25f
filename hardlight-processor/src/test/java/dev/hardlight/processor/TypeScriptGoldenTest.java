package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TypeScript modules generated for {@link Contracts#SHOP}, {@link Contracts#COUNTER} and
 * {@link TsContracts#EVERY} equal the committed files under {@code src/test/resources/golden/ts/}. After an
 * intended change of the output, regenerate them with
 * {@code ./mvnw -q -pl hardlight-processor -am verify -Dtest=TypeScriptGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dhardlight.golden.update=true}
 * and review the diff.
 */
@Timeout(120)
class TypeScriptGoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("hardlight.golden.update");

    @TempDir
    Path out;

    @Test
    void shopModuleMatchesItsGoldenFile() throws IOException {
        assertMatchesGoldenFile(Contracts.SHOP, "shop/Shop.ts");
    }

    @Test
    void counterModuleWithStateAndEventsMatchesItsGoldenFile() throws IOException {
        assertMatchesGoldenFile(Contracts.COUNTER, "counter/Counter.ts");
    }

    @Test
    void moduleOfEveryWireTypeMatchesItsGoldenFile() throws IOException {
        assertMatchesGoldenFile(TsContracts.withEvolutionAnnotations(TsContracts.EVERY), "every/Every.ts");
    }

    private void assertMatchesGoldenFile(Map<String, String> contract, String path) throws IOException {
        Map<String, String> modules = generate(contract, out);
        assertThat(modules).containsOnlyKeys(path);
        String text = modules.get(path);
        if (UPDATE) {
            Path golden = Path.of("src/test/resources/golden/ts", path + ".txt");
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, text);
            return;
        }
        try (InputStream in = getClass().getResourceAsStream("/golden/ts/" + path + ".txt")) {
            assertThat(in).as("golden file %s (regenerate: see this class's javadoc)", path).isNotNull();
            assertThat(text).as(path).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void outputIsDeterministicAndTheClassOutputHoldsTheSameModule(@TempDir Path other) {
        Map<String, String> sources = TsContracts.withEvolutionAnnotations(TsContracts.EVERY);
        Compilation c = Compilation.compile(sources, "-A" + "hardlight.typescript=" + out);
        assertThat(c.success).as(c.report()).isTrue();
        Map<String, String> first = read(out);
        Map<String, String> second = generate(new TreeMap<>(sources), other);
        assertThat(first).isEqualTo(second).containsOnlyKeys("every/Every.ts");
        assertThat(read(c.classes.resolve("META-INF/hardlight/ts"))).isEqualTo(first);
    }

    @Test
    void withoutTheOptionTheModuleIsOnlyInTheClassOutput() {
        Compilation c = Compilation.compile(Contracts.SHOP);
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(read(c.classes.resolve("META-INF/hardlight/ts"))).containsOnlyKeys("shop/Shop.ts");
        assertThat(c.generated.keySet()).allMatch(name -> name.startsWith("shop.Shop"));
    }

    @Test
    void anUnchangedModuleIsNotRewritten() throws IOException {
        generate(Contracts.SHOP, out);
        Path file = out.resolve("shop/Shop.ts");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, old);
        generate(Contracts.SHOP, out);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
    }

    @Test
    void hashesFingerprintAndSchemaEqualTheJavaDescriptors() throws Exception {
        Compilation c = Compilation.compile(TsContracts.withEvolutionAnnotations(TsContracts.EVERY),
                "-Ahardlight.typescript=" + out);
        assertThat(c.success).as(c.report()).isTrue();
        String ts = Files.readString(out.resolve("every/Every.ts"));
        try (URLClassLoader loader = c.classLoader()) {
            ServiceDescriptor<?> d = (ServiceDescriptor<?>) loader.loadClass("every.EverySchema")
                    .getField("DESCRIPTOR").get(null);
            List<String> expected = new ArrayList<>();
            for (MethodDescriptor<?> m : d.methods()) {
                expected.add(HexFormat.of().toHexDigits(m.signatureHash()));
            }
            expected.add(HexFormat.of().toHexDigits(d.state().schemaHash()));
            expected.add(HexFormat.of().toHexDigits(d.events().schemaHash()));
            assertThat(Pattern.compile("hash: 0x([0-9a-f]{16})n,").matcher(ts).results().map(r -> r.group(1)))
                    .containsExactlyElementsOf(expected);
            assertThat(ts).contains("schema fingerprint (SHA-256) " + d.fingerprintHex() + ".");
            String schema = ts.substring(ts.indexOf("  schema:\n"), ts.indexOf("  methods: ["));
            StringBuilder text = new StringBuilder();
            Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'").matcher(schema).results()
                    .forEach(r -> text.append(r.group(1).replace("\\n", "\n")));
            assertThat(text.toString()).isEqualTo(d.schema());
        }
    }

    @Test
    void aMemberInterfaceOfTheUnnamedPackageGetsItsPrefix() {
        Map<String, String> modules = generate(Map.of("Outer", """
                public interface Outer {
                    @dev.hardlight.Rpc
                    interface Inner {
                        int twice(int x);
                    }
                }
                """), out);
        assertThat(modules).containsOnlyKeys("Outer_Inner.ts");
        assertThat(modules.get("Outer_Inner.ts"))
                .contains("export const Outer_InnerService: hl.ServiceSpec<unknown, unknown> = {")
                .contains("  name: 'Inner',")
                .contains("export class Outer_InnerClient {")
                .contains("  twice(x: number, options?: hl.CallOptions): Promise<number> {");
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsACompileError() throws IOException {
        Path blocker = Files.writeString(out.resolve("blocker"), "a file, not a directory");
        Compilation c = Compilation.compile(Contracts.SHOP, "-Ahardlight.typescript=" + blocker);
        assertThat(c.success).isFalse();
        assertThat(c.errors()).singleElement().satisfies(d -> assertThat(d.getMessage(Locale.ROOT))
                .startsWith("[HardLight] cannot write the TypeScript module " + blocker.resolve("shop/Shop.ts")
                        + " (-Ahardlight.typescript): "));
    }

    private static final Map<String, String> DISCRIMINATOR_CLASH = Map.of("clash.Clash", """
            package clash;

            import dev.hardlight.Rpc;

            @Rpc
            public interface Clash {
                void send(Message m);

                sealed interface Message {
                    record Text(String $type) implements Message {}
                }
            }
            """);

    @Test
    void aContractTypeScriptCannotExpressIsAnErrorWithTheOption() {
        Compilation c = Compilation.compile(DISCRIMINATOR_CLASH, "-Ahardlight.typescript=" + out);
        assertThat(c.success).isFalse();
        assertThat(c.errors()).singleElement().satisfies(d -> assertThat(d.getMessage(Locale.ROOT)).isEqualTo(
                "[HardLight] cannot generate TypeScript for clash.Clash: record clash.Clash.Message.Text component "
                        + "'$type' clashes with the discriminator of sealed interface clash.Clash.Message in "
                        + "TypeScript; rename it"));
        assertThat(read(out)).isEmpty();
    }

    @Test
    void aContractTypeScriptCannotExpressIsOnlyANoteWithoutTheOption() {
        Compilation c = Compilation.compile(DISCRIMINATOR_CLASH);
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(c.diagnostics).anySatisfy(d -> {
            assertThat(d.getKind()).isEqualTo(Diagnostic.Kind.NOTE);
            assertThat(d.getMessage(Locale.ROOT)).startsWith("[HardLight] cannot generate TypeScript for clash.Clash");
        });
        assertThat(c.generated).containsKey("clash.ClashClient");
        assertThat(read(c.classes.resolve("META-INF/hardlight/ts"))).isEmpty();
    }

    /** Compiles {@code contract} with {@code -Ahardlight.typescript=dir}; the modules written there by path. */
    static Map<String, String> generate(Map<String, String> contract, Path dir) {
        Compilation c = Compilation.compile(contract, "-Ahardlight.typescript=" + dir);
        assertThat(c.success).as(c.report()).isTrue();
        return read(dir);
    }

    /** Every file under {@code dir}, by path relative to it ('/'-separated); empty when it does not exist. */
    static Map<String, String> read(Path dir) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
