package dev.hardlight.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources given as strings with {@link RpcProcessor}, the test class path (so
 * hardlight-core) on the class path, into a temporary directory. Gives the diagnostics, the generated
 * sources and a class loader over the output.
 */
final class Compilation {
    final List<Diagnostic<? extends JavaFileObject>> diagnostics;
    final Map<String, String> generated;
    final Path classes;
    final boolean success;

    private Compilation(List<Diagnostic<? extends JavaFileObject>> diagnostics, Map<String, String> generated,
                        Path classes, boolean success) {
        this.diagnostics = diagnostics;
        this.generated = generated;
        this.classes = classes;
        this.success = success;
    }

    /** Compiles {@code sources} (qualified name → text) with the processor and {@code options}. */
    static Compilation compile(Map<String, String> sources, String... options) {
        try {
            Path dir = Files.createTempDirectory("hardlight-processor-test");
            Path classes = Files.createDirectories(dir.resolve("classes"));
            Path gen = Files.createDirectories(dir.resolve("generated"));
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
            List<JavaFileObject> units = new ArrayList<>();
            sources.forEach((name, text) -> units.add(new Source(name, text)));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-s", gen.toString(),
                    "-classpath", System.getProperty("java.class.path"), "--release", "21",
                    "-encoding", "UTF-8", "-Xlint:all,-processing,-serial", "-Werror"));
            args.addAll(List.of(options));
            try (StandardJavaFileManager fm = javac.getStandardFileManager(collector, Locale.ROOT,
                    StandardCharsets.UTF_8)) {
                JavaCompiler.CompilationTask task = javac.getTask(null, fm, collector, args, null, units);
                task.setProcessors(List.of(new RpcProcessor()));
                boolean ok = task.call();
                Map<String, String> generated = new TreeMap<>();
                try (Stream<Path> files = Files.walk(gen)) {
                    for (Path p : files.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                        String rel = gen.relativize(p).toString().replace('\\', '/');
                        generated.put(rel.substring(0, rel.length() - ".java".length()).replace('/', '.'),
                                Files.readString(p));
                    }
                }
                return new Compilation(List.copyOf(collector.getDiagnostics()), generated, classes, ok);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Compilation compile(String qualifiedName, String text, String... options) {
        return compile(Map.of(qualifiedName, text), options);
    }

    List<Diagnostic<? extends JavaFileObject>> errors() {
        return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
    }

    /** Every diagnostic, one per line, for failure messages. */
    String report() {
        return diagnostics.stream().map(d -> d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName())
                + ":" + d.getLineNumber() + ":" + d.getColumnNumber() + " " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
    }

    /** A class loader over the compiled classes, parented by the test's own. */
    URLClassLoader classLoader() {
        try {
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A source file held in memory. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String qualifiedName, String text) {
            super(URI.create("string:///" + qualifiedName.replace('.', '/') + ".java"), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
