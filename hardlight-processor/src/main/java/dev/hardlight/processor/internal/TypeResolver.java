package dev.hardlight.processor.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Maps Java types to {@link WireType}s, reporting every unsupported type on the element where it was
 * found, and collects the definitions of the records, enums and sealed interfaces reached. One per
 * contract; not thread-safe.
 */
final class TypeResolver {
    static final String NULLABLE = "dev.hardlight.Nullable";

    /** {@code Map<K,V>}, {@code List<T>} or {@code Set<T>} when {@code element} implements one of them, else null. */
    private static String mapOrCollection(TypeElement element) {
        Deque<TypeElement> todo = new ArrayDeque<>(List.of(element));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            TypeElement t = todo.pop();
            String name = t.getQualifiedName().toString();
            if (!seen.add(name)) {
                continue;
            }
            switch (name) {
                case "java.util.Map" -> { return "Map<K,V>"; }
                case "java.util.List" -> { return "List<T>"; }
                case "java.util.Set" -> { return "Set<T>"; }
                default -> { }
            }
            List<TypeMirror> supers = new ArrayList<>(t.getInterfaces());
            supers.add(t.getSuperclass());
            for (TypeMirror m : supers) {
                if (m instanceof DeclaredType d && d.asElement() instanceof TypeElement e) {
                    todo.push(e);
                }
            }
        }
        return null;
    }

    private final Elements elements;
    private final ErrorReporter errors;
    private final String packageName;
    private final Map<String, TypeDef> defs = new TreeMap<>();
    private final Map<String, TypeElement> pending = new TreeMap<>();
    private final Deque<TypeElement> queue = new ArrayDeque<>();
    private final Evolution evolution;

    TypeResolver(Elements elements, ErrorReporter errors, String packageName) {
        this.elements = elements;
        this.errors = errors;
        this.packageName = packageName;
        this.evolution = new Evolution(elements, errors);
    }

    /** The reader of {@code @Default} and {@code @Fallback}. */
    Evolution evolution() {
        return evolution;
    }

    /**
     * The wire type of {@code type}, or {@code null} after reporting why it is unsupported.
     *
     * @param site the element errors are reported on
     * @param where what the type belongs to, for messages: "method get return type"
     */
    WireType resolve(TypeMirror type, Element site, String where) {
        return resolve(type, site, where, type);
    }

    private WireType resolve(TypeMirror type, Element site, String where, TypeMirror root) {
        TypeKind kind = type.getKind();
        if (kind.isPrimitive()) {
            return new WireType.Primitive(WireType.Prim.valueOf(kind.name()), false);
        }
        switch (kind) {
            case ERROR -> throw new DeferralException(type.toString());
            case ARRAY -> {
                return array((ArrayType) type, site, where, root);
            }
            case DECLARED -> {
                return declared((DeclaredType) type, site, where, root);
            }
            case TYPEVAR -> unsupported(site, where, type, root, "type variables are not supported");
            case WILDCARD -> unsupported(site, where, type, root, "wildcards are not supported; name the type");
            default -> unsupported(site, where, type, root, null);
        }
        return null;
    }

    private WireType array(ArrayType type, Element site, String where, TypeMirror root) {
        TypeMirror component = type.getComponentType();
        if (component.getKind() == TypeKind.BYTE) {
            return new WireType.Scalar(WireType.Builtin.BYTES);
        }
        if (component.getKind().isPrimitive()) {
            return new WireType.PrimitiveArray(WireType.Prim.valueOf(component.getKind().name()));
        }
        if (component.getKind() == TypeKind.DECLARED && !((DeclaredType) component).getTypeArguments().isEmpty()) {
            unsupported(site, where, type, root, "arrays of a generic type cannot be created; use a List");
            return null;
        }
        WireType element = resolve(component, site, where, root);
        return element == null ? null : new WireType.Sequence(WireType.SequenceKind.ARRAY, element);
    }

    private WireType declared(DeclaredType type, Element site, String where, TypeMirror root) {
        TypeElement element = (TypeElement) type.asElement();
        String name = element.getQualifiedName().toString();
        WireType.Prim prim = WireType.Prim.ofBox(name);
        if (prim != null) {
            return new WireType.Primitive(prim, true);
        }
        WireType.Builtin builtin = WireType.Builtin.ofJavaType(name);
        if (builtin != null) {
            return new WireType.Scalar(builtin);
        }
        List<? extends TypeMirror> args = type.getTypeArguments();
        switch (name) {
            case "java.util.List", "java.util.Set", "java.util.Optional", "java.util.Map" -> {
                return container(name, args, type, site, where, root);
            }
            default -> {
                // a user type: below
            }
        }
        if (!element.getTypeParameters().isEmpty()) {
            String instead = mapOrCollection(element);
            unsupported(site, where, type, root, instead != null
                    ? "declare it as " + instead + " (the interface): the wire carries no implementation class"
                    : "generic types are not supported (but List, Set, Map and Optional)");
            return null;
        }
        TypeDef.Kind defKind = switch (element.getKind()) {
            case RECORD -> TypeDef.Kind.RECORD;
            case ENUM -> TypeDef.Kind.ENUM;
            case INTERFACE -> element.getModifiers().contains(Modifier.SEALED) ? TypeDef.Kind.SEALED : null;
            default -> null;
        };
        if (defKind == null) {
            String reason = element.getKind() == ElementKind.INTERFACE
                    ? "an interface must be sealed, with records, enums or sealed interfaces as subtypes"
                    : element.getModifiers().contains(Modifier.SEALED)
                            ? "sealed classes are not supported; make it a sealed interface"
                            : "only records, enums, sealed interfaces and the built-in types cross the wire";
            unsupported(site, where, type, root, reason);
            return null;
        }
        if (!accessible(element)) {
            errors.error(site, where + ": type " + name + " is not accessible from package '" + packageName
                    + "', where the generated code lives; make it public");
            return null;
        }
        if (!defs.containsKey(name) && !pending.containsKey(name)) {
            pending.put(name, element);
            queue.add(element);
        }
        return new WireType.Named(name, defKind);
    }

    private WireType container(String name, List<? extends TypeMirror> args, DeclaredType type, Element site,
                               String where, TypeMirror root) {
        int expected = name.equals("java.util.Map") ? 2 : 1;
        if (args.size() != expected) {
            unsupported(site, where, type, root, "raw types are not supported; give the type arguments");
            return null;
        }
        List<WireType> resolved = new ArrayList<>();
        for (TypeMirror arg : args) {
            resolved.add(resolve(arg, site, where, root));
        }
        if (resolved.contains(null)) {
            return null;
        }
        WireType first = resolved.get(0);
        return switch (name) {
            case "java.util.List" -> new WireType.Sequence(WireType.SequenceKind.LIST, first);
            case "java.util.Optional" -> new WireType.OptionalOf(first);
            case "java.util.Set" -> hashable(first, site, where, "set element")
                    ? new WireType.Sequence(WireType.SequenceKind.SET, first) : null;
            default -> hashable(first, site, where, "map key") ? new WireType.MapOf(first, resolved.get(1)) : null;
        };
    }

    private boolean hashable(WireType type, Element site, String where, String role) {
        boolean array = type instanceof WireType.PrimitiveArray
                || type instanceof WireType.Scalar s && s.builtin() == WireType.Builtin.BYTES
                || type instanceof WireType.Sequence q && q.kind() == WireType.SequenceKind.ARRAY;
        if (array) {
            errors.error(site, where + ": unsupported " + role + " type " + type.javaType()
                    + ": arrays compare by identity; use a List or a String");
        }
        return !array;
    }

    private void unsupported(Element site, String where, TypeMirror type, TypeMirror root, String reason) {
        StringBuilder message = new StringBuilder(where).append(": unsupported type ").append(type);
        if (type != root) {
            message.append(" (in ").append(root).append(')');
        }
        if (reason != null) {
            message.append(": ").append(reason);
        }
        errors.error(site, message.toString());
    }

    /** Whether the generated code, in {@link #packageName}, can name {@code element}. */
    boolean accessible(TypeElement element) {
        boolean samePackage = elements.getPackageOf(element).getQualifiedName().contentEquals(packageName);
        for (Element e = element; e instanceof TypeElement; e = e.getEnclosingElement()) {
            if (e.getModifiers().contains(Modifier.PRIVATE)
                    || !e.getModifiers().contains(Modifier.PUBLIC) && !samePackage) {
                return false;
            }
        }
        return element.getEnclosingElement().getKind() == ElementKind.PACKAGE
                || element.getEnclosingElement() instanceof TypeElement;
    }

    /** Defines every type reached so far, and those they reach. */
    Map<String, TypeDef> defineAll() {
        while (!queue.isEmpty()) {
            TypeElement element = queue.poll();
            String name = element.getQualifiedName().toString();
            defs.put(name, define(element));
            pending.remove(name);
        }
        return defs;
    }

    private TypeDef define(TypeElement element) {
        String name = element.getQualifiedName().toString();
        String flat = flatName(element);
        return switch (element.getKind()) {
            case ENUM -> {
                List<? extends Element> constants = element.getEnclosedElements().stream()
                        .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT)
                        .toList();
                yield new TypeDef.EnumDef(name, flat, constants.stream().map(e -> e.getSimpleName().toString())
                        .toList(), evolution.enumFallback(element, constants));
            }
            case RECORD -> {
                evolution.checkRecordFallback(element);
                List<TypeDef.Component> components = new ArrayList<>();
                for (RecordComponentElement c : ElementFilter.recordComponentsIn(element.getEnclosedElements())) {
                    String where = "record " + name + " component '" + c.getSimpleName() + "'";
                    WireType type = resolve(c.asType(), c, where);
                    boolean nullable = nullable(c, c.asType(), where);
                    // @Default on a record component lands on the component, its accessor and its parameter.
                    components.add(new TypeDef.Component(c.getSimpleName().toString(), type, nullable,
                            evolution.defaultValue(c, type, nullable, where)));
                }
                yield new TypeDef.RecordDef(name, flat, components);
            }
            default -> sealed(element, name, flat);
        };
    }

    private TypeDef sealed(TypeElement element, String name, String flat) {
        List<WireType.Named> permitted = new ArrayList<>();
        List<TypeElement> permittedElements = new ArrayList<>();
        for (TypeMirror sub : element.getPermittedSubclasses()) {
            if (sub.getKind() == TypeKind.ERROR) {
                throw new DeferralException(sub.toString());
            }
            TypeElement subElement = (TypeElement) ((DeclaredType) sub).asElement();
            boolean ok = subElement.getKind() == ElementKind.RECORD || subElement.getKind() == ElementKind.ENUM
                    || subElement.getKind() == ElementKind.INTERFACE
                    && subElement.getModifiers().contains(Modifier.SEALED);
            if (!ok) {
                errors.error(element, "sealed interface " + name + " permits " + subElement.getQualifiedName()
                        + ", which is not a record, an enum or a sealed interface");
                continue;
            }
            WireType type = resolve(subElement.asType(), element, "sealed interface " + name + " subtype");
            if (type instanceof WireType.Named named) {
                permitted.add(named);
                permittedElements.add(subElement);
            }
        }
        return new TypeDef.SealedDef(name, flat, permitted, evolution.sealedFallback(element, permittedElements));
    }

    /** Whether {@code element} is annotated {@code @Nullable}; an error when its type is primitive. */
    boolean nullable(Element element, TypeMirror type, String where) {
        boolean annotated = element.getAnnotationMirrors().stream()
                .anyMatch(a -> ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName()
                        .contentEquals(NULLABLE));
        if (annotated && type.getKind().isPrimitive()) {
            errors.error(element, where + ": @Nullable on primitive type " + type
                    + "; use its box (e.g. Integer) to allow null");
            return false;
        }
        return annotated;
    }

    /** The binary name inside its package, '$' as '_': {@code Outer_Point}. */
    String flatName(TypeElement element) {
        String binary = elements.getBinaryName(element).toString();
        String pkg = elements.getPackageOf(element).getQualifiedName().toString();
        return (pkg.isEmpty() ? binary : binary.substring(pkg.length() + 1)).replace('$', '_');
    }
}
