package dev.hardlight.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hardlight gen ts [--out DIR] SOURCE...}: copies the TypeScript modules the annotation processor
 * wrote into class output ({@code META-INF/hardlight/ts/}) out of jars or classes directories, keeping their
 * package directories. The processor option {@code -Ahardlight.typescript=<dir>} writes them at compile
 * time instead; this verb serves a front-end built apart from the Java build, from the published jar.
 */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = "Generates client code from compiled HardLight contracts.",
        subcommands = GenCommand.Ts.class)
final class GenCommand {
    /** Where the processor writes the modules in the class output. */
    static final String PREFIX = "META-INF/hardlight/ts/";

    private GenCommand() {}

    @Command(name = "ts", mixinStandardHelpOptions = true,
            description = {"Copies the TypeScript modules of the @Rpc contracts compiled into jars or classes "
                    + "directories (META-INF/hardlight/ts/) to a directory, one <package dirs>/<Name>.ts each.",
                    "They need the runtime @hardlight/client; see docs/typescript.md."})
    static final class Ts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "SOURCE",
                description = "a jar or a classes directory compiled with the HardLight annotation processor")
        List<Path> sources;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
                description = "the directory to write the modules to (default: the current directory)")
        Path out;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, String> modules = new TreeMap<>();
            for (Path source : sources) {
                try {
                    Map<String, String> found = Files.isDirectory(source) ? fromDirectory(source) : fromJar(source);
                    if (found.isEmpty()) {
                        err.println("hardlight gen ts: " + source + " holds no TypeScript module (" + PREFIX
                                + "): was it compiled with the HardLight annotation processor?");
                        return 1;
                    }
                    modules.putAll(found);
                } catch (IOException e) {
                    err.println("hardlight gen ts: cannot read " + source + ": " + e);
                    return 1;
                }
            }
            Path root = out.toAbsolutePath().normalize();
            for (Map.Entry<String, String> m : modules.entrySet()) {
                Path file = root.resolve(m.getKey()).normalize();
                if (!file.startsWith(root) || !m.getKey().endsWith(".ts")) {
                    err.println("hardlight gen ts: refusing the entry " + PREFIX + m.getKey() + " (not a module path)");
                    return 1;
                }
                try {
                    Files.createDirectories(file.getParent());
                    boolean same = Files.isRegularFile(file)
                            && Files.readString(file, StandardCharsets.UTF_8).equals(m.getValue());
                    if (!same) {
                        Files.writeString(file, m.getValue(), StandardCharsets.UTF_8);
                    }
                    stdout.println((same ? "unchanged " : "wrote ") + file);
                } catch (IOException e) {
                    err.println("hardlight gen ts: cannot write " + file + ": " + e);
                    return 1;
                }
            }
            stdout.flush();
            return 0;
        }

        private static Map<String, String> fromDirectory(Path classes) throws IOException {
            Map<String, String> modules = new TreeMap<>();
            Path dir = classes.resolve(PREFIX);
            if (!Files.isDirectory(dir)) {
                return modules;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    modules.put(dir.relativize(f).toString().replace('\\', '/'), Files.readString(f));
                }
            }
            return modules;
        }

        private static Map<String, String> fromJar(Path jar) throws IOException {
            Map<String, String> modules = new TreeMap<>();
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry e : zip.stream().toList()) {
                    if (!e.isDirectory() && e.getName().startsWith(PREFIX)) {
                        try (InputStream in = zip.getInputStream(e)) {
                            modules.put(e.getName().substring(PREFIX.length()),
                                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
            return modules;
        }
    }
}
