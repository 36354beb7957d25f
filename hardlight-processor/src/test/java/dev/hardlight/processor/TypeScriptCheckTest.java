package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * (Node.js 20 or later) and fails, never skips, without them. The runtime {@code @hardlight/client} is
 * declared by {@code src/test/ts-check/runtime/index.d.ts}, exactly the surface the generated code may use;
 * {@code -Dhardlight.ts.runtime=<file>} checks against another entry instead (e.g. the real runtime's
 * {@code hardlight-js/src/index.ts}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TypeScriptCheckTest {
    private static final Path CHECK = Path.of("src/test/ts-check").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void generatedModulesPassTscStrict() throws Exception {
        Path gen = dir.resolve("gen");
        TypeScriptGoldenTest.generate(Contracts.SHOP, gen);
        TypeScriptGoldenTest.generate(Contracts.COUNTER, gen);
        TypeScriptGoldenTest.generate(TsContracts.withEvolutionAnnotations(TsContracts.EVERY), gen);
        copyUsages(dir.resolve("usage"));
        String runtime = System.getProperty("hardlight.ts.runtime", CHECK.resolve("runtime/index.d.ts").toString());
        Files.writeString(dir.resolve("tsconfig.json"), """
                {
                  "extends": %s,
                  "compilerOptions": { "paths": { "@hardlight/client": [%s] } },
                  "include": ["gen/**/*.ts", "usage/**/*.ts"]
                }
                """.formatted(json(CHECK.resolve("tsconfig.base.json").toString()), json(runtime)));
        Path tsc = installedTypeScript();
        Result result = run(dir, List.of("node", tsc.toString(), "--strict", "--noEmit", "-p",
                dir.resolve("tsconfig.json").toString()), 240);
        assertThat(result.exit).as("tsc --strict --noEmit on the generated modules:\n%s", result.output).isZero();
        assertThat(result.output).isEmpty();
    }

    @Test
    void tscReportsAnErrorInAGeneratedModule() throws Exception {
        Path gen = dir.resolve("gen");
        TypeScriptGoldenTest.generate(Contracts.SHOP, gen);
        Path shop = gen.resolve("shop/Shop.ts");
        Files.writeString(shop, Files.readString(shop).replace("w.int(count);", "w.long(count);"));
        String runtime = CHECK.resolve("runtime/index.d.ts").toString();
        Files.writeString(dir.resolve("tsconfig.json"), """
                {
                  "extends": %s,
                  "compilerOptions": { "paths": { "@hardlight/client": [%s] } },
                  "include": ["gen/**/*.ts"]
                }
                """.formatted(json(CHECK.resolve("tsconfig.base.json").toString()), json(runtime)));
        Result result = run(dir, List.of("node", installedTypeScript().toString(), "-p",
                dir.resolve("tsconfig.json").toString()), 240);
        assertThat(result.exit).isNotZero();
        assertThat(result.output).contains("Shop.ts").contains("bigint");
    }

    private static void copyUsages(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(CHECK.resolve("usage"))) {
            for (Path f : files.sorted().toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
    }

    /** The tsc of the pinned TypeScript, after {@code npm ci} when it is not installed yet. */
    private static synchronized Path installedTypeScript() throws Exception {
        Path tsc = CHECK.resolve("node_modules/typescript/bin/tsc");
        if (Files.isRegularFile(tsc)) {
            return tsc;
        }
        requireTool("node");
        requireTool("npm");
        Result install = run(CHECK, List.of("npm", "ci", "--no-audit", "--no-fund"), 240);
        assertThat(install.exit).as("npm ci in %s failed:\n%s", CHECK, install.output).isZero();
        assertThat(tsc).as("npm ci did not install %s", tsc).isRegularFile();
        return tsc;
    }

    private static void requireTool(String tool) throws Exception {
        Result version;
        try {
            version = run(CHECK, List.of(tool, "--version"), 60);
        } catch (IOException e) {
            throw new AssertionError(tool + " was not found on the PATH: the TypeScript check needs Node.js 20 or "
                    + "later with npm installed (e.g. apt-get install nodejs npm)", e);
        }
        assertThat(version.exit).as("%s --version failed:\n%s", tool, version.output).isZero();
    }

    private record Result(int exit, String output) {}

    /** Runs {@code command} in {@code cwd}, its output read while it runs (a full pipe would block it). */
    private static Result run(Path cwd, List<String> command, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(cwd.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of("NO_COLOR", "1", "npm_config_update_notifier", "false"));
        Process p = pb.start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = ("cannot read the output: " + e).getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8).strip());
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static {
        if (!Files.isDirectory(CHECK)) {
            throw new UncheckedIOException(new IOException("run the tests from the hardlight-processor directory: "
                    + CHECK + " does not exist"));
        }
    }
}
