package dev.hardlight.processor.internal;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes each contract's TypeScript module ({@link TsWriter}): always to the class output as
 * {@value #RESOURCE_DIR}{@code <package dirs>/<Prefix>.ts}, and, with the processor option
 * {@code -A}{@value #OPTION}{@code =<dir>}, to {@code <dir>/<package dirs>/<Prefix>.ts} (a file whose text
 * is unchanged is not rewritten, so file watchers see no change). Not thread-safe: one per processor.
 */
public final class TypeScriptOutput {
    /** The processor option naming the directory the {@code .ts} modules are written to. */
    public static final String OPTION = "hardlight.typescript";
    /** Where in the class output (so in the jar) the modules are always written. */
    public static final String RESOURCE_DIR = "META-INF/hardlight/ts/";

    private final ProcessingEnvironment env;
    private final ErrorReporter errors;
    private final Path dir;

    public TypeScriptOutput(ProcessingEnvironment env, ErrorReporter errors) {
        this.env = env;
        this.errors = errors;
        String option = env.getOptions().get(OPTION);
        this.dir = option == null || option.isBlank() ? null : Path.of(option.strip());
    }

    /**
     * Writes the module of {@code model}. A contract TypeScript cannot express is a compile error on
     * {@code origin} when the option asks for TypeScript, and a note otherwise (the Java code is still
     * generated).
     */
    public void write(ServiceModel model, Element origin) {
        String text;
        try {
            text = TsWriter.write(model, TsExtras.read(env.getElementUtils(), model));
        } catch (TsException e) {
            String message = "cannot generate TypeScript for " + model.interfaceName() + ": " + e.getMessage();
            if (dir != null) {
                errors.error(origin, message);
            } else {
                env.getMessager().printMessage(Diagnostic.Kind.NOTE, ErrorReporter.TAG + message, origin);
            }
            return;
        }
        String path = TsWriter.path(model);
        try {
            FileObject resource = env.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                    RESOURCE_DIR + path, origin);
            try (Writer w = resource.openWriter()) {
                w.write(text);
            }
        } catch (IOException e) {
            errors.error(origin, "cannot write " + RESOURCE_DIR + path + " to the class output: " + e.getMessage());
        }
        if (dir != null) {
            Path file = dir.resolve(path);
            try {
                Files.createDirectories(file.getParent());
                if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                    Files.writeString(file, text, StandardCharsets.UTF_8);
                }
            } catch (IOException | RuntimeException e) {
                errors.error(origin, "cannot write the TypeScript module " + file.toAbsolutePath() + " (-A" + OPTION
                        + "): " + e);
            }
        }
    }
}
