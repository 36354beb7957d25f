package dev.hardlight.processor;

import static dev.hardlight.processor.NodeTools.CHECK;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated TypeScript modules pass {@code tsc --strict --noEmit} with every strictness flag a user's
 * project may set ({@code src/test/ts-check/tsconfig.base.json}), together with the hand-written usages
 * under {@code src/test/ts-check/usage/}, which also assert with {@code @ts-expect-error} that misuse does
 * not compile.
 *
 * <p>TypeScript comes from npm, pinned by {@code src/test/ts-check/package-lock.json}; the test runs
 * {@code npm ci} there when {@code node_modules} is missing, so it needs {@code node} and {@code npm}
 * (Node.js 20 or later) and fails, never skips, without them. The runtime {@code @hardlight/client} is the
 * real one, built from {@code hardlight-js/src} with its own compiler settings ({@link NodeTools#buildRuntime})
 * and resolved as a user's project resolves the published package: its declarations, not its sources, meet
 * the strict flags, as they would in a user's project.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TypeScriptCheckTest {
    @TempDir
    Path dir;

    @Test
    void generatedModulesPassTscStrict() throws Exception {
        Path gen = dir.resolve("gen");
        TypeScriptGoldenTest.generate(Contracts.SHOP, gen);
        TypeScriptGoldenTest.generate(Contracts.COUNTER, gen);
        TypeScriptGoldenTest.generate(TsContracts.withEvolutionAnnotations(TsContracts.EVERY), gen);
        copy(CHECK.resolve("usage"), dir.resolve("usage"));
        NodeTools.buildRuntime(dir);
        writeConfig("\"gen/**/*.ts\", \"usage/**/*.ts\"");
        NodeTools.Result result = NodeTools.run(dir, List.of("node", NodeTools.installedTypeScript().toString(),
                "--strict", "--noEmit", "-p", dir.resolve("tsconfig.json").toString()), 240);
        assertThat(result.exit()).as("tsc --strict --noEmit on the generated modules:\n%s", result.output()).isZero();
        assertThat(result.output()).isEmpty();
    }

    @Test
    void tscReportsAnErrorInAGeneratedModule() throws Exception {
        Path gen = dir.resolve("gen");
        TypeScriptGoldenTest.generate(Contracts.SHOP, gen);
        Path shop = gen.resolve("shop/Shop.ts");
        Files.writeString(shop, Files.readString(shop).replace("w.int(count);", "w.long(count);"));
        NodeTools.buildRuntime(dir);
        writeConfig("\"gen/**/*.ts\"");
        NodeTools.Result result = NodeTools.run(dir, List.of("node", NodeTools.installedTypeScript().toString(),
                "-p", dir.resolve("tsconfig.json").toString()), 240);
        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).contains("Shop.ts").contains("bigint");
    }

    private void writeConfig(String include) throws IOException {
        Files.writeString(dir.resolve("tsconfig.json"), """
                {
                  "extends": %s,
                  "include": [%s]
                }
                """.formatted(NodeTools.json(CHECK.resolve("tsconfig.base.json").toString()), include));
    }

    /** Copies the files of {@code from} into {@code to}. */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.sorted().toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
