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
 * runner against the real runtime, built from {@code hardlight-js/src} ({@link NodeTools#buildRuntime}). The expected bytes
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
        NodeTools.buildRuntime(dir);
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
