package dev.hardlight.processor;

import static dev.hardlight.processor.NodeTools.CHECK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the generated codecs and service descriptions: the modules of the test contracts are compiled to
 * JavaScript by the pinned tsc, then {@code src/test/ts-check/behaviour/codecs.test.mjs} runs on Node's test
 * runner against the runtime: by default the stand-in of the codec layer in
 * {@code src/test/ts-check/runtime/index.js}; with {@code -Dhardlight.ts.runtime.package=<dir>}, the built
 * runtime package in {@code <dir>} (e.g. {@code hardlight-js} after {@code npm run build}). The expected bytes
 * come from docs/protocol.md section 5 and the evolution format (lengths, defaults, skipped appended
 * components, fallbacks). Needs {@code node} and {@code npm}; fails, never skips, without them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TypeScriptCodecTest {
    @TempDir
    Path dir;

    @Test
    void generatedCodecsRunAsTheWireFormatSays() throws Exception {
        Path gen = dir.resolve("gen");
        TypeScriptGoldenTest.generate(Contracts.SHOP, gen);
        TypeScriptGoldenTest.generate(Contracts.COUNTER, gen);
        TypeScriptGoldenTest.generate(TsContracts.withEvolutionAnnotations(TsContracts.EVERY), gen);
        Path runtime = dir.resolve("node_modules/@hardlight/client");
        String given = System.getProperty("hardlight.ts.runtime.package");
        if (given != null) {
            Files.createDirectories(runtime.getParent());
            Files.createSymbolicLink(runtime, Path.of(given).toAbsolutePath());
        } else {
            Files.createDirectories(runtime);
            Files.copy(CHECK.resolve("runtime/index.js"), runtime.resolve("index.js"));
            Files.copy(CHECK.resolve("runtime/index.d.ts"), runtime.resolve("index.d.ts"));
            Files.writeString(runtime.resolve("package.json"), """
                    { "name": "@hardlight/client", "type": "module", "main": "index.js", "types": "index.d.ts" }
                    """);
        }
        Files.writeString(dir.resolve("package.json"), "{ \"type\": \"module\" }\n");
        Files.writeString(dir.resolve("tsconfig.json"), """
                {
                  "extends": %s,
                  "compilerOptions": { "noEmit": false, "outDir": "out", "rootDir": "." },
                  "include": ["gen/**/*.ts"]
                }
                """.formatted(NodeTools.json(CHECK.resolve("tsconfig.base.json").toString())));
        NodeTools.Result tsc = NodeTools.run(dir, List.of("node", NodeTools.installedTypeScript().toString(), "-p",
                dir.resolve("tsconfig.json").toString()), 240);
        assertThat(tsc.exit()).as("tsc emitting the generated modules:\n%s", tsc.output()).isZero();
        TypeScriptCheckTest.copy(CHECK.resolve("behaviour"), dir.resolve("out/behaviour"));

        NodeTools.Result test = NodeTools.run(dir, List.of("node", "--test", "out/behaviour/codecs.test.mjs"), 120);
        assertThat(test.exit()).as("node --test of the generated codecs:\n%s", test.output()).isZero();
        assertThat(test.output()).contains("# fail 0").containsPattern("# pass [1-9]");
    }
}
