package dev.hardlight.processor.internal;

import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * What the TypeScript writer reads from the contract beyond the {@link ServiceModel}: the
 * {@code @dev.hardlight.Default} literals of record components and the {@code @dev.hardlight.Fallback}
 * marks of enum constants and permitted subtypes (docs/evolution: what a reader uses for a component
 * the peer did not send, and for an ordinal or tag it does not know). Both annotations are read by
 * name, so the processor works whether or not they are on the class path. Immutable.
 *
 * @param defaults record canonical name → component name → the {@code @Default} literal
 * @param fallbacks enum canonical name → fallback constant; sealed interface canonical name → the
 *     canonical name of its fallback subtype
 */
record TsExtras(Map<String, Map<String, String>> defaults, Map<String, String> fallbacks) {
    static final String DEFAULT = "dev.hardlight.Default";
    static final String FALLBACK = "dev.hardlight.Fallback";

    TsExtras {
        defaults = Map.copyOf(defaults);
        fallbacks = Map.copyOf(fallbacks);
    }

    /** The {@code @Default} literal of component {@code component} of record {@code record}, or {@code null}. */
    String defaultOf(String record, String component) {
        Map<String, String> of = defaults.get(record);
        return of == null ? null : of.get(component);
    }

    /** Reads the annotations of every type of {@code model} from the compiler's model. */
    static TsExtras read(Elements elements, ServiceModel model) {
        Map<String, Map<String, String>> defaults = new TreeMap<>();
        Map<String, String> fallbacks = new TreeMap<>();
        for (TypeDef def : model.types().values()) {
            TypeElement element = elements.getTypeElement(def.name());
            if (element == null) {
                continue;
            }
            switch (def) {
                case TypeDef.RecordDef r -> {
                    Map<String, String> of = new TreeMap<>();
                    for (RecordComponentElement c : ElementFilter.recordComponentsIn(element.getEnclosedElements())) {
                        String literal = stringValue(c, DEFAULT);
                        ExecutableElement accessor = c.getAccessor();
                        if (literal == null && accessor != null) {
                            literal = stringValue(accessor, DEFAULT);
                        }
                        if (literal != null) {
                            of.put(c.getSimpleName().toString(), literal);
                        }
                    }
                    if (!of.isEmpty()) {
                        defaults.put(r.name(), of);
                    }
                }
                case TypeDef.EnumDef e -> {
                    for (Element constant : element.getEnclosedElements()) {
                        if (constant.getKind() == ElementKind.ENUM_CONSTANT && annotation(constant, FALLBACK) != null) {
                            fallbacks.putIfAbsent(e.name(), constant.getSimpleName().toString());
                        }
                    }
                }
                case TypeDef.SealedDef s -> {
                    for (WireType.Named sub : s.permitted()) {
                        TypeElement subElement = elements.getTypeElement(sub.name());
                        if (subElement != null && annotation(subElement, FALLBACK) != null) {
                            fallbacks.putIfAbsent(s.name(), sub.name());
                        }
                    }
                }
            }
        }
        return new TsExtras(defaults, fallbacks);
    }

    private static AnnotationMirror annotation(Element element, String qualifiedName) {
        for (AnnotationMirror a : element.getAnnotationMirrors()) {
            if (((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(qualifiedName)) {
                return a;
            }
        }
        return null;
    }

    /** The {@code value} of annotation {@code qualifiedName} on {@code element} when it is a string. */
    private static String stringValue(Element element, String qualifiedName) {
        AnnotationMirror a = annotation(element, qualifiedName);
        if (a == null) {
            return null;
        }
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : a.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals("value") && e.getValue().getValue() instanceof String s) {
                return s;
            }
        }
        return null;
    }
}
