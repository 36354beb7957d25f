package dev.hardlight.processor.internal;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.util.Elements;

/**
 * Reads the annotations of schema evolution: {@code @Default} on record components and parameters, and
 * {@code @Fallback} on enum constants and permitted records, reporting each misuse on its element. Not
 * thread-safe.
 */
final class Evolution {
    static final String DEFAULT = "dev.hardlight.Default";
    static final String FALLBACK = "dev.hardlight.Fallback";

    private final Elements elements;
    private final ErrorReporter errors;

    Evolution(Elements elements, ErrorReporter errors) {
        this.elements = elements;
        this.errors = errors;
    }

    /** The annotation named {@code qualifiedName} on {@code element}, or {@code null}. */
    static AnnotationMirror annotation(Element element, String qualifiedName) {
        for (AnnotationMirror a : element.getAnnotationMirrors()) {
            if (((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(qualifiedName)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The Java expression of the {@code @Default} of {@code element} (a record component or a parameter of
     * {@code type}), or {@code null} when it has none or it is misused (reported).
     */
    String defaultValue(Element element, WireType type, boolean nullable, String where) {
        AnnotationMirror a = annotation(element, DEFAULT);
        if (a == null || type == null) {
            return null;
        }
        AnnotationValue value = null;
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : a.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals("value")) {
                value = e.getValue();
            }
        }
        if (value == null || !(value.getValue() instanceof String literal)) {
            return null; // javac reports a missing or non-constant value itself
        }
        String prefix = where + ": @Default(" + JavaNames.literal(literal) + ")";
        if (nullable || type instanceof WireType.OptionalOf) {
            errors.error(element, a, value, prefix + " on a @Nullable or Optional element: its default is "
                    + "empty (null); remove @Default");
            return null;
        }
        try {
            String expression = switch (type) {
                case WireType.Primitive p -> primitive(p.prim(), literal);
                case WireType.Scalar s when s.builtin() == WireType.Builtin.STRING -> JavaNames.literal(literal);
                case WireType.Named n when n.kind() == TypeDef.Kind.ENUM -> enumConstant(n.name(), literal);
                default -> null;
            };
            if (expression == null) {
                errors.error(element, a, value, prefix + ": @Default applies to primitives, their boxes, String "
                        + "and enums; the default of " + type.javaType() + " is its zero value");
            }
            return expression;
        } catch (IllegalArgumentException e) {
            errors.error(element, a, value, prefix + ": " + e.getMessage());
            return null;
        }
    }

    private static String primitive(WireType.Prim prim, String s) {
        try {
            return switch (prim) {
                case BOOLEAN -> {
                    if (!s.equals("true") && !s.equals("false")) {
                        throw new IllegalArgumentException("not a boolean (expected: true or false)");
                    }
                    yield s;
                }
                case BYTE -> "(byte) " + Byte.parseByte(s);
                case SHORT -> "(short) " + Short.parseShort(s);
                case INT -> Integer.toString(Integer.parseInt(s));
                case LONG -> Long.parseLong(s) + "L";
                case CHAR -> {
                    if (s.length() != 1) {
                        throw new IllegalArgumentException("not one char");
                    }
                    yield "(char) " + (int) s.charAt(0);
                }
                case FLOAT -> "java.lang.Float.intBitsToFloat(" + Float.floatToRawIntBits(Float.parseFloat(checkFloating(s))) + ")";
                case DOUBLE -> "java.lang.Double.longBitsToDouble(" + Double.doubleToRawLongBits(Double.parseDouble(checkFloating(s)))
                        + "L)";
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a valid " + prim.keyword + " literal");
        }
    }

    private static String checkFloating(String s) {
        if (s.isBlank() || !s.strip().equals(s) || s.endsWith("f") || s.endsWith("F") || s.endsWith("d")
                || s.endsWith("D")) {
            throw new NumberFormatException(s);
        }
        return s;
    }

    private String enumConstant(String enumName, String constant) {
        TypeElement e = elements.getTypeElement(enumName);
        boolean known = e != null && e.getEnclosedElements().stream()
                .anyMatch(c -> c.getKind() == ElementKind.ENUM_CONSTANT && c.getSimpleName().contentEquals(constant));
        if (!known) {
            throw new IllegalArgumentException("enum " + enumName + " has no constant " + constant);
        }
        return enumName + "." + constant;
    }

    /** The index of the {@code @Fallback} constant of {@code element} (an enum), or -1; more than one is an error. */
    int enumFallback(TypeElement element, List<? extends Element> constants) {
        int fallback = -1;
        for (int i = 0; i < constants.size(); i++) {
            if (annotation(constants.get(i), FALLBACK) != null) {
                if (fallback >= 0) {
                    errors.error(constants.get(i), "enum " + element.getQualifiedName() + ": @Fallback on "
                            + constants.get(i).getSimpleName() + " and " + constants.get(fallback).getSimpleName()
                            + ": at most one constant per enum may be the fallback");
                } else {
                    fallback = i;
                }
            }
        }
        return fallback;
    }

    /**
     * The index of the {@code @Fallback} permitted record of sealed interface {@code element}, or -1; more
     * than one, or one that is not a record, is an error.
     */
    int sealedFallback(TypeElement element, List<TypeElement> permitted) {
        int fallback = -1;
        for (int i = 0; i < permitted.size(); i++) {
            TypeElement sub = permitted.get(i);
            if (annotation(sub, FALLBACK) == null) {
                continue;
            }
            if (sub.getKind() != ElementKind.RECORD) {
                errors.error(sub, "sealed interface " + element.getQualifiedName() + ": @Fallback on "
                        + sub.getQualifiedName() + ", which is not a record: the fallback of a sealed interface is "
                        + "one of its permitted records");
            } else if (fallback >= 0) {
                errors.error(sub, "sealed interface " + element.getQualifiedName() + ": @Fallback on "
                        + sub.getQualifiedName() + " and " + permitted.get(fallback).getQualifiedName()
                        + ": at most one permitted record per sealed interface may be the fallback");
            } else {
                fallback = i;
            }
        }
        return fallback;
    }

    /** A {@code @Fallback} record must be permitted by a sealed interface. */
    void checkRecordFallback(TypeElement record) {
        if (annotation(record, FALLBACK) == null) {
            return;
        }
        boolean permitted = record.getInterfaces().stream()
                .map(t -> (TypeElement) ((DeclaredType) t).asElement())
                .anyMatch(i -> i.getPermittedSubclasses().stream()
                        .anyMatch(p -> ((DeclaredType) p).asElement().equals(record)));
        if (!permitted) {
            errors.error(record, "record " + record.getQualifiedName() + ": @Fallback applies to a permitted "
                    + "record of a sealed interface (or an enum constant)");
        }
    }
}
