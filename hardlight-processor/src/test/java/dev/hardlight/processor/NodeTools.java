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

/**
 * Node.js, the pinned TypeScript of {@code src/test/ts-check/} and the real runtime {@code @hardlight/client}
 * built from {@code ../hardlight-js/src} for the TypeScript tests: they need {@code node} and {@code npm} on
 * the PATH and fail, never skip, without them.
 */
final class NodeTools {
    /** The directory of the pinned TypeScript, the usages and the behaviour tests. */
    static final Path CHECK = Path.of("src/test/ts-check").toAbsolutePath();
    /** The runtime's npm package, whose sources ({@code src/}) the generated modules are checked and run against. */
    static final Path RUNTIME = Path.of("../hardlight-js").toAbsolutePath().normalize();

    private NodeTools() {}

    /** The tsc of the pinned TypeScript, after {@code npm ci} when it is not installed yet. */
    static synchronized Path installedTypeScript() throws Exception {
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

    /**
     * Builds the runtime {@code @hardlight/client} from its sources with its own {@code tsconfig.json} and the
     * pinned tsc into {@code dir/node_modules/@hardlight/client} (its {@code package.json} and {@code dist/}),
     * where a project in {@code dir} resolves it as it would the published package. Returns that directory.
     */
    static Path buildRuntime(Path dir) throws Exception {
        Path pkg = dir.resolve("node_modules/@hardlight/client");
        Files.createDirectories(pkg);
        Files.copy(RUNTIME.resolve("package.json"), pkg.resolve("package.json"));
        Result tsc = run(RUNTIME, List.of("node", installedTypeScript().toString(), "-p",
                RUNTIME.resolve("tsconfig.json").toString(), "--outDir", pkg.resolve("dist").toString()), 240);
        assertThat(tsc.exit()).as("tsc building the runtime from %s:\n%s", RUNTIME.resolve("src"), tsc.output()).isZero();
        return pkg;
    }

    static void requireTool(String tool) throws Exception {
        Result version;
        try {
            version = run(CHECK, List.of(tool, "--version"), 60);
        } catch (IOException e) {
            throw new AssertionError(tool + " was not found on the PATH: the TypeScript check needs Node.js 20 or "
                    + "later with npm installed (e.g. apt-get install nodejs npm)", e);
        }
        assertThat(version.exit).as("%s --version failed:\n%s", tool, version.output).isZero();
    }

    record Result(int exit, String output) {}

    /** Runs {@code command} in {@code cwd}, its output read while it runs (a full pipe would block it). */
    static Result run(Path cwd, List<String> command, int timeoutSeconds) throws Exception {
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

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static {
        if (!Files.isDirectory(CHECK) || !Files.isRegularFile(RUNTIME.resolve("tsconfig.json"))) {
            throw new UncheckedIOException(new IOException("run the tests from the hardlight-processor directory: "
                    + CHECK + " or " + RUNTIME.resolve("tsconfig.json") + " does not exist"));
        }
    }
}
