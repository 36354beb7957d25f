package dev.hardlight.processor.internal;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports compile errors on the user's elements, each tagged {@value #TAG}. An error reported twice
 * on one element (a record shared by two services) is shown once. Counts errors so a caller can tell
 * whether a contract was valid. Not thread-safe: one per processor.
 */
public final class ErrorReporter {
    /** The tag every HardLight diagnostic starts with. */
    public static final String TAG = "[HardLight] ";

    private final Messager messager;
    private final Set<Key> reported = new HashSet<>();
    private int errors;

    public ErrorReporter(Messager messager) {
        this.messager = Objects.requireNonNull(messager, "messager");
    }

    /** Reports an error on {@code element} (or on no element when {@code null}). */
    public void error(Element element, String message) {
        errors++;
        if (reported.add(new Key(element, message))) {
            if (element == null) {
                messager.printMessage(Diagnostic.Kind.ERROR, TAG + message);
            } else {
                messager.printMessage(Diagnostic.Kind.ERROR, TAG + message, element);
            }
        }
    }

    /**
     * Reports an error on {@code value} of {@code annotation} on {@code element} (javac points at the
     * value's expression); on the annotation when {@code value} is {@code null}.
     */
    public void error(Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
        errors++;
        if (reported.add(new Key(element, message))) {
            messager.printMessage(Diagnostic.Kind.ERROR, TAG + message, element, annotation, value);
        }
    }

    /** The number of errors reported so far, duplicates included. */
    public int errorCount() {
        return errors;
    }

    private record Key(Element element, String message) {}
}
