package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The "zero" value of a type, the initial connection state is built from: every number 0, boolean
 * false, char {@code '\0'}, String "", arrays and collections empty (immutable), {@code Optional}
 * empty, {@code @Nullable} null, an enum its first constant, a record its components' zeros, a sealed
 * interface its first permitted subtype's zero, {@code Instant.EPOCH}, {@code Duration.ZERO}, the nil
 * UUID, {@code Topic.EMPTY}.
 *
 * <p>A zero exists unless a record or sealed interface reaches itself through <em>required</em> edges
 * only (non-nullable components of a named type, first permitted subtypes), or an enum without
 * constants is reached that way: {@link #missing} finds those before any code is generated.
 */
final class ZeroValue {
    private ZeroValue() {}

    /**
     * Why the zero of record {@code root} does not exist (e.g. "p.State.next -> p.Node.back -> p.State closes
     * a cycle of required components"), or {@code null} when it does.
     */
    static String missing(String root, Map<String, TypeDef> defs) {
        return missing(root, defs, new ArrayList<>(), new ArrayList<>(), new HashSet<>());
    }

    /**
     * @param path the types being built, outermost first
     * @param steps for each of {@code path}, how the next one is reached ("p.State.next")
     * @param built the types whose zero is known to exist
     */
    private static String missing(String name, Map<String, TypeDef> defs, List<String> path, List<String> steps,
                                  Set<String> built) {
        if (built.contains(name)) {
            return null;
        }
        if (path.contains(name)) {
            return String.join(" -> ", steps) + " -> " + name + " closes a cycle of required components";
        }
        path.add(name);
        String why = null;
        switch (defs.get(name)) {
            case TypeDef.RecordDef r -> {
                for (TypeDef.Component c : r.components()) {
                    if (!c.nullable() && c.type() instanceof WireType.Named n) {
                        steps.add(name + "." + c.name());
                        why = missing(n.name(), defs, path, steps, built);
                        steps.removeLast();
                        if (why != null) {
                            break;
                        }
                    }
                }
            }
            case TypeDef.SealedDef s -> {
                if (s.permitted().isEmpty()) {
                    why = "sealed interface " + name + " has no valid permitted subtype";
                } else {
                    steps.add(name + " (first permitted subtype)");
                    why = missing(s.permitted().getFirst().name(), defs, path, steps, built);
                    steps.removeLast();
                }
            }
            case TypeDef.EnumDef e -> {
                if (e.constants().isEmpty()) {
                    why = "enum " + name + " has no constants";
                }
            }
        }
        path.removeLast();
        if (why == null) {
            built.add(name);
        }
        return why;
    }

    /** A Java expression of the zero of {@code type} ({@code null} when {@code nullable}). */
    static String of(WireType type, boolean nullable, Map<String, TypeDef> defs) {
        if (nullable) {
            return "null";
        }
        return switch (type) {
            case WireType.Primitive p -> switch (p.prim()) {
                case BOOLEAN -> "false";
                case BYTE -> "(byte) 0";
                case SHORT -> "(short) 0";
                case CHAR -> "'\\0'";
                case INT -> "0";
                case LONG -> "0L";
                case FLOAT -> "0.0f";
                case DOUBLE -> "0.0d";
            };
            case WireType.Scalar s -> switch (s.builtin()) {
                case STRING -> "\"\"";
                case BYTES -> "new byte[0]";
                case INSTANT -> "java.time.Instant.EPOCH";
                case DURATION -> "java.time.Duration.ZERO";
                case UUID -> "new java.util.UUID(0L, 0L)";
                case TOPIC -> "dev.hardlight.Topic.EMPTY";
            };
            case WireType.PrimitiveArray a -> "new " + a.prim().keyword + "[0]";
            case WireType.Sequence q -> switch (q.kind()) {
                case LIST -> "java.util.List.of()";
                case SET -> "java.util.Set.of()";
                // E[] -> new E[0]; E[][] -> new E[0][]
                case ARRAY -> "new " + q.javaType().replaceFirst("\\[\\]", "[0]");
            };
            case WireType.MapOf m -> "java.util.Map.of()";
            case WireType.OptionalOf o -> "java.util.Optional.empty()";
            case WireType.Named n -> named(n.name(), defs);
        };
    }

    private static String named(String name, Map<String, TypeDef> defs) {
        return switch (defs.get(name)) {
            case TypeDef.EnumDef e -> name + "." + e.constants().getFirst();
            case TypeDef.SealedDef s -> named(s.permitted().getFirst().name(), defs);
            case TypeDef.RecordDef r -> "new " + name + "(" + String.join(", ", components(r, defs)) + ")";
        };
    }

    /** The zeros of a record's components, in order. */
    static List<String> components(TypeDef.RecordDef r, Map<String, TypeDef> defs) {
        List<String> zeros = new ArrayList<>();
        for (TypeDef.Component c : r.components()) {
            zeros.add(of(c.type(), c.nullable(), defs));
        }
        return zeros;
    }
}
