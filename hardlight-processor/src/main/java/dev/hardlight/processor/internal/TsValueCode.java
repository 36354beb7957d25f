package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * TypeScript expressions for the values of one contract, shared by the parts of {@link TsWriter}: the
 * names of the module's types and codecs, type expressions, codec expressions, reads, writes, zero
 * values and defaults.
 *
 * <p>Composite codecs ({@code hl.codecs.list(...)}, nullable wrappers) are requested while the module is
 * written and held as module constants, emitted after the named types' codecs: a named type's codec is an
 * object literal whose methods refer to the constants only when called, so mutually recursive types work
 * whatever the order. Not thread-safe: one per generation.
 */
final class TsValueCode {
    static final String ZERO_UUID = "'00000000-0000-0000-0000-000000000000'";

    private final ServiceModel model;
    private final TsExtras extras;
    private final TsNames names;
    private final Map<String, String> typeNames = new HashMap<>();
    private final Map<String, String> codecNames = new HashMap<>();
    /** Sealed interface → permitted subtype → its {@code $type}. */
    private final Map<String, Map<String, String>> discriminators = new HashMap<>();
    /** Composite codec constants: name → the rest of the declaration ({@code = init}), sorted by name. */
    private final Map<String, String> composites = new TreeMap<>();
    private final Map<String, String> compositeByInit = new HashMap<>();
    private String absent;

    TsValueCode(ServiceModel model, TsExtras extras, TsNames names) {
        this.model = model;
        this.extras = extras;
        this.names = names;
        Map<String, Integer> flat = new HashMap<>();
        model.types().values().forEach(d -> flat.merge(d.flatName(), 1, Integer::sum));
        for (TypeDef def : model.types().values()) {
            String flatName = TsNames.identifier(def.flatName());
            String base = flat.get(def.flatName()) == 1 && !names.isTaken(flatName)
                    ? flatName : def.name().replace('.', '_');
            typeNames.put(def.name(), names.allocate(base));
        }
        for (TypeDef def : model.types().values()) {
            codecNames.put(def.name(), names.allocate(typeNames.get(def.name()) + "Codec"));
            if (def instanceof TypeDef.SealedDef s) {
                Map<String, Integer> simple = new HashMap<>();
                s.permitted().forEach(p -> simple.merge(simpleName(p.name()), 1, Integer::sum));
                Map<String, String> tags = new LinkedHashMap<>();
                for (WireType.Named p : s.permitted()) {
                    tags.put(p.name(), simple.get(simpleName(p.name())) == 1 ? simpleName(p.name()) : p.name());
                }
                discriminators.put(s.name(), tags);
            }
        }
        check();
    }

    /** The contract's shapes TypeScript cannot express. */
    private void check() {
        for (TypeDef def : model.types().values()) {
            if (def instanceof TypeDef.RecordDef r) {
                for (TypeDef.Component c : r.components()) {
                    if (c.name().equals("__proto__")) {
                        throw new TsException("record " + r.name() + " component '__proto__' cannot be a property of "
                                + "a JavaScript object; rename it");
                    }
                }
            }
            if (def instanceof TypeDef.SealedDef s) {
                for (WireType.Named p : s.permitted()) {
                    if (model.types().get(p.name()) instanceof TypeDef.RecordDef r
                            && r.components().stream().anyMatch(c -> c.name().equals("$type"))) {
                        throw new TsException("record " + r.name() + " component '$type' clashes with the "
                                + "discriminator of sealed interface " + s.name() + " in TypeScript; rename it");
                    }
                }
            }
        }
    }

    /** The last segment of a canonical name. */
    static String simpleName(String canonical) {
        return canonical.substring(canonical.lastIndexOf('.') + 1);
    }

    ServiceModel model() {
        return model;
    }

    TsNames names() {
        return names;
    }

    /** The TypeScript name of a record, enum or sealed interface. */
    String typeName(String canonical) {
        return typeNames.get(canonical);
    }

    /** The name of the exported codec constant of a record, enum or sealed interface. */
    String codecName(String canonical) {
        return codecNames.get(canonical);
    }

    /** The {@code $type} of {@code subtype} in the union of {@code sealed}. */
    String discriminator(String sealed, String subtype) {
        return discriminators.get(sealed).get(subtype);
    }

    /** The composite codec constants requested so far: name → the rest of the declaration, sorted by name. */
    Map<String, String> composites() {
        return composites;
    }

    /** The name of the module's helper for a missing component without a zero; {@code null} when unused. */
    String absentHelper() {
        return absent;
    }

    // ---- types

    /** The TypeScript type of {@code t}. */
    String type(WireType t) {
        return switch (t) {
            case WireType.Primitive p -> primitiveType(p.prim());
            case WireType.Scalar s -> switch (s.builtin()) {
                case STRING, UUID -> "string";
                case BYTES -> "Uint8Array";
                case INSTANT -> "hl.Instant";
                case DURATION -> "hl.Duration";
                case TOPIC -> "hl.Topic";
            };
            case WireType.Named n -> typeNames.get(n.name());
            case WireType.Sequence q -> q.kind() == WireType.SequenceKind.SET
                    ? "Set<" + type(q.element()) + ">" : arrayOf(q.element());
            case WireType.PrimitiveArray a -> primitiveType(a.prim()) + "[]";
            case WireType.MapOf m -> "Map<" + type(m.key()) + ", " + type(m.value()) + ">";
            case WireType.OptionalOf o -> type(o.element()) + " | undefined";
        };
    }

    /** The TypeScript type of a component, parameter or result: {@code | null} when nullable. */
    String type(TypeDef.Component c) {
        return type(c.type()) + (c.nullable() ? " | null" : "");
    }

    private String arrayOf(WireType element) {
        String e = type(element);
        return (element instanceof WireType.OptionalOf ? "(" + e + ")" : e) + "[]";
    }

    private static String primitiveType(WireType.Prim p) {
        return switch (p) {
            case BOOLEAN -> "boolean";
            case LONG -> "bigint";
            case CHAR -> "string";
            default -> "number";
        };
    }

    // ---- codecs

    /** The runtime's name (on {@code Writer}, {@code Reader} and {@code codecs}) of a primitive. */
    private static String accessor(WireType.Prim p) {
        return p == WireType.Prim.BOOLEAN ? "bool" : p.keyword;
    }

    /** The runtime's name (on {@code Writer}, {@code Reader} and {@code codecs}) of a built-in scalar. */
    private static String accessor(WireType.Builtin b) {
        return b.schema;
    }

    /** A short expression of a {@code Codec} of a component: a module constant for composites and nullable values. */
    String codec(WireType t, boolean nullable) {
        if (nullable) {
            return composite("nullable" + describe(t), "hl.codecs.nullable(" + full(t) + ")");
        }
        return switch (t) {
            case WireType.Primitive p -> full(t);
            case WireType.Scalar s -> full(t);
            case WireType.Named n -> full(t);
            default -> composite(TsNames.lowerFirst(describe(t)), full(t));
        };
    }

    String codec(TypeDef.Component c) {
        return codec(c.type(), c.nullable());
    }

    /** An expression of a {@code Codec} of {@code t}, composites written out in full. */
    private String full(WireType t) {
        return switch (t) {
            case WireType.Primitive p -> "hl.codecs." + accessor(p.prim());
            case WireType.Scalar s -> "hl.codecs." + accessor(s.builtin());
            case WireType.Named n -> codecNames.get(n.name());
            case WireType.Sequence q -> q.kind() == WireType.SequenceKind.SET
                    ? "hl.codecs.set(" + full(q.element()) + ")" : "hl.codecs.list(" + full(q.element()) + ")";
            case WireType.PrimitiveArray a -> "hl.codecs.list(hl.codecs." + accessor(a.prim()) + ")";
            case WireType.MapOf m -> "hl.codecs.map(" + full(m.key()) + ", " + full(m.value()) + ")";
            case WireType.OptionalOf o -> "hl.codecs.optional(" + full(o.element()) + ")";
        };
    }

    private String composite(String description, String init) {
        return composite(description, init, null);
    }

    /** The constant initialized with {@code init}, declared with {@code type} when not {@code null}. */
    private String composite(String description, String init, String type) {
        return compositeByInit.computeIfAbsent(init, i -> {
            String name = names.allocate("$" + description);
            composites.put(name, (type == null ? "" : ": " + type) + " = " + i);
            return name;
        });
    }

    /** A description of {@code t} for constant names: {@code ListOfInt}, {@code MapOfStringToLevel}. */
    private String describe(WireType t) {
        return switch (t) {
            case WireType.Primitive p -> capitalize(p.prim().keyword);
            case WireType.Scalar s -> capitalize(s.builtin().schema);
            case WireType.Named n -> typeNames.get(n.name());
            case WireType.Sequence q -> (q.kind() == WireType.SequenceKind.SET ? "SetOf" : "ListOf")
                    + describe(q.element());
            case WireType.PrimitiveArray a -> "ListOf" + capitalize(a.prim().keyword);
            case WireType.MapOf m -> "MapOf" + describe(m.key()) + "To" + describe(m.value());
            case WireType.OptionalOf o -> "OptionalOf" + describe(o.element());
        };
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A statement writing {@code value} of component {@code c} to {@code w}. */
    String write(TypeDef.Component c, String value) {
        if (c.nullable()) {
            return codec(c) + ".encode(w, " + value + ");";
        }
        return switch (c.type()) {
            case WireType.Primitive p -> "w." + accessor(p.prim()) + "(" + value + ");";
            case WireType.Scalar s -> "w." + accessor(s.builtin()) + "(" + value + ");";
            default -> codec(c) + ".encode(w, " + value + ");";
        };
    }

    /** An expression reading a value of component {@code c} from {@code r}. */
    String read(TypeDef.Component c) {
        if (c.nullable()) {
            return codec(c) + ".decode(r)";
        }
        return switch (c.type()) {
            case WireType.Primitive p -> "r." + accessor(p.prim()) + "()";
            case WireType.Scalar s -> "r." + accessor(s.builtin()) + "()";
            default -> codec(c) + ".decode(r)";
        };
    }

    // ---- zero values and defaults

    /**
     * The zero of {@code t} (docs/protocol.md 6.4): 0, false, '\0', "", empty collections, undefined,
     * {@code null} when nullable, an enum's first constant, a record of zeros, a sealed interface's first
     * permitted subtype; {@code null} when it does not exist (a type reaching itself through required
     * components).
     */
    String zero(WireType t, boolean nullable) {
        if (nullable) {
            return "null";
        }
        return switch (t) {
            case WireType.Primitive p -> switch (p.prim()) {
                case BOOLEAN -> "false";
                case LONG -> "0n";
                case CHAR -> "'\\u0000'";
                default -> "0";
            };
            case WireType.Scalar s -> switch (s.builtin()) {
                case STRING -> "''";
                case BYTES -> "new Uint8Array(0)";
                case INSTANT -> "hl.Instant.EPOCH";
                case DURATION -> "hl.Duration.ZERO";
                case UUID -> ZERO_UUID;
                case TOPIC -> "hl.Topic.of('')";
            };
            case WireType.Sequence q -> q.kind() == WireType.SequenceKind.SET
                    ? "new Set<" + type(q.element()) + ">()" : "[]";
            case WireType.PrimitiveArray a -> "[]";
            case WireType.MapOf m -> "new Map<" + type(m.key()) + ", " + type(m.value()) + ">()";
            case WireType.OptionalOf o -> "undefined";
            case WireType.Named n -> ZeroValue.missing(n.name(), model.types()) != null ? null : namedZero(n.name());
        };
    }

    /** The zero of a named type whose zero exists. */
    private String namedZero(String name) {
        return switch (model.types().get(name)) {
            case TypeDef.EnumDef e -> TsNames.literal(e.constants().getFirst());
            case TypeDef.RecordDef r -> object(null, fields(r, false));
            case TypeDef.SealedDef s -> caseValue(s, s.permitted().getFirst(), false);
        };
    }

    /**
     * The union value of subtype {@code sub} of {@code sealed} with every component at its zero, or at
     * its default when {@code withDefaults} (a fallback: its {@code @Default}s, else zeros).
     */
    String caseValue(TypeDef.SealedDef sealed, WireType.Named sub, boolean withDefaults) {
        String tag = TsNames.literal(discriminator(sealed.name(), sub.name()));
        if (model.types().get(sub.name()) instanceof TypeDef.RecordDef r) {
            return object(tag, fields(r, withDefaults));
        }
        String value = zero(sub, false);
        if (value == null) {
            value = absent("the content of type " + sub.name());
        }
        return object(tag, List.of("value: " + value));
    }

    /** The {@code key: value} entries of record {@code r} at its zeros or defaults. */
    private List<String> fields(TypeDef.RecordDef r, boolean withDefaults) {
        List<String> entries = new ArrayList<>();
        for (TypeDef.Component c : r.components()) {
            entries.add(TsNames.key(c.name()) + ": " + (withDefaults ? defaultOf(r, c) : zero(c.type(), c.nullable())));
        }
        return entries;
    }

    private static String object(String tag, List<String> entries) {
        List<String> all = new ArrayList<>();
        if (tag != null) {
            all.add("$type: " + tag);
        }
        all.addAll(entries);
        return all.isEmpty() ? "{}" : "{ " + String.join(", ", all) + " }";
    }

    /**
     * What a reader uses for component {@code c} of {@code r} when the peer did not send it: its
     * {@code @Default}, else its zero; when no zero exists, a call failing the decode (an expression
     * reading {@code r}).
     */
    String defaultOf(TypeDef.RecordDef r, TypeDef.Component c) {
        String literal = extras.defaultOf(r.name(), c.name());
        if (literal != null && !c.nullable() && !(c.type() instanceof WireType.OptionalOf)) {
            return literal(r.name() + "." + c.name(), c.type(), literal);
        }
        String zero = zero(c.type(), c.nullable());
        return zero != null ? zero : absent(c.name() + " of type " + c.type().schema());
    }

    /** A call failing the decode of {@code what}, which has no zero (an expression reading {@code r}). */
    String absent(String what) {
        if (absent == null) {
            absent = names.allocate("$absent");
        }
        return absent + "(r, " + TsNames.literal(what) + ")";
    }

    /** The TypeScript value of {@code @Default(literal)} on {@code where}, of type {@code t}. */
    private String literal(String where, WireType t, String literal) {
        try {
            return switch (t) {
                case WireType.Primitive p -> switch (p.prim()) {
                    case BOOLEAN -> {
                        if (!literal.equals("true") && !literal.equals("false")) {
                            throw new NumberFormatException();
                        }
                        yield literal;
                    }
                    case BYTE -> Byte.toString(Byte.parseByte(literal));
                    case SHORT -> Short.toString(Short.parseShort(literal));
                    case INT -> Integer.toString(Integer.parseInt(literal));
                    case LONG -> Long.parseLong(literal) + "n";
                    case FLOAT -> TsNames.number(Float.parseFloat(literal));
                    case DOUBLE -> TsNames.number(Double.parseDouble(literal));
                    case CHAR -> {
                        if (literal.length() != 1) {
                            throw new NumberFormatException();
                        }
                        yield TsNames.literal(literal);
                    }
                };
                case WireType.Scalar s when s.builtin() == WireType.Builtin.STRING -> TsNames.literal(literal);
                case WireType.Named n when model.types().get(n.name()) instanceof TypeDef.EnumDef e -> {
                    if (!e.constants().contains(literal)) {
                        throw new TsException("@Default(" + JavaNames.literal(literal) + ") on " + where
                                + ": enum " + e.name() + " has no constant " + literal);
                    }
                    yield TsNames.literal(literal);
                }
                default -> throw new TsException("@Default on " + where + ": type " + t.schema()
                        + " has no literal default");
            };
        } catch (NumberFormatException e) {
            throw new TsException("@Default(" + JavaNames.literal(literal) + ") on " + where + " is not a valid "
                    + t.schema());
        }
    }

    /** The fallback of enum or sealed {@code name}: a constant or a subtype's canonical name; {@code null} when none. */
    String fallback(String name) {
        return extras.fallbacks().get(name);
    }

    /** Local names a generated function uses itself, which a component's local must not take. */
    static Set<String> fixed(String... locals) {
        return new HashSet<>(List.of(locals));
    }
}
