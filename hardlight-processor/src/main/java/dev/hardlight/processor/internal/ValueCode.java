package dev.hardlight.processor.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Java expressions and statements that encode and decode values of a contract, shared by the writers.
 *
 * <p>Composite codecs ({@code Codecs.list(...)}, nullable wrappers) are requested by the writers and
 * held as static final fields of the {@code <Prefix>Codecs} class, which {@link CodecsWriter} emits
 * last. Those fields only reference the nested codecs' {@code INSTANCE}s, whose class initializers
 * reference nothing: so no two generated classes wait for each other's initialization, whatever the
 * threads, and mutually recursive types work. Not thread-safe: one per generation.
 */
final class ValueCode {
    static final String CODECS = "dev.hardlight.codec.Codecs";
    static final String WRITER = "dev.hardlight.codec.WireWriter";
    static final String READER = "dev.hardlight.codec.WireReader";

    private final ServiceModel model;
    private final String holder;
    private final Map<String, String> codecClasses = new HashMap<>();
    /** Composite codec fields: name → initializer, sorted by name for output. */
    private final Map<String, String> fields = new TreeMap<>();
    private final Map<String, String> fieldByKey = new LinkedHashMap<>();
    private final String stateCodecClass;

    ValueCode(ServiceModel model) {
        this.model = model;
        this.holder = model.prefix() + "Codecs";
        Map<String, Integer> simple = new HashMap<>();
        model.types().values().forEach(d -> simple.merge(d.flatName(), 1, Integer::sum));
        Set<String> taken = new HashSet<>();
        for (TypeDef def : model.types().values()) {
            String base = simple.get(def.flatName()) == 1 ? def.flatName() : def.name().replace('.', '_');
            String name = base + "Codec";
            for (int i = 2; taken.contains(name); i++) {
                name = base + i + "Codec";
            }
            taken.add(name);
            codecClasses.put(def.name(), name);
        }
        TypeDef.RecordDef state = model.stateDef();
        if (state == null) {
            stateCodecClass = null;
        } else {
            String base = codecClasses.get(state.name()).replaceFirst("Codec$", "") + "State";
            String name = base + "Codec";
            for (int i = 2; taken.contains(name); i++) {
                name = base + i + "Codec";
            }
            stateCodecClass = name;
        }
    }

    /** The simple name of the generated {@code StateCodec} class; {@code null} when the service has no state. */
    String stateCodecClass() {
        return stateCodecClass;
    }

    /** The simple name of the generated codec class of a record, enum or sealed interface. */
    String codecClass(String typeName) {
        return codecClasses.get(typeName);
    }

    /** The simple name of the class holding the codecs. */
    String holder() {
        return holder;
    }

    /** The composite codec fields requested so far: name → initializer. */
    Map<String, String> fields() {
        return fields;
    }

    /** The Java type of a codec field holding {@code type}. */
    static String codecType(String boxedJavaType) {
        return "dev.hardlight.codec.Codec<" + boxedJavaType + ">";
    }

    /** An expression of a {@code Codec} of {@code type}, composites written out in full. */
    String codecOf(WireType type) {
        return switch (type) {
            case WireType.Primitive p -> CODECS + "." + p.prim().codecConstant();
            case WireType.Scalar s -> CODECS + "." + s.builtin().name();
            case WireType.PrimitiveArray a -> CODECS + "." + a.prim().name() + "_ARRAY";
            case WireType.Named n -> holder + "." + codecClass(n.name()) + ".INSTANCE";
            case WireType.Sequence s -> switch (s.kind()) {
                case LIST -> CODECS + ".list(" + codecOf(s.element()) + ")";
                case SET -> CODECS + ".set(" + codecOf(s.element()) + ")";
                case ARRAY -> CODECS + ".array(" + codecOf(s.element()) + ", " + s.element().boxedJavaType()
                        + "[]::new)";
            };
            case WireType.MapOf m -> CODECS + ".map(" + codecOf(m.key()) + ", " + codecOf(m.value()) + ")";
            case WireType.OptionalOf o -> CODECS + ".optional(" + codecOf(o.element()) + ")";
        };
    }

    /** A short expression of a {@code Codec} of {@code type}: a field for composites and nullable values. */
    String codecRef(WireType type, boolean nullable) {
        boolean composite = type instanceof WireType.Sequence || type instanceof WireType.MapOf
                || type instanceof WireType.OptionalOf;
        if (!composite && !nullable) {
            return codecOf(type);
        }
        String key = (nullable ? "?" : "") + type.javaType();
        String name = fieldByKey.get(key);
        if (name == null) {
            String base = (nullable ? "NULLABLE_" : "") + fieldName(type);
            name = base;
            for (int i = 2; fields.containsKey(name); i++) {
                name = base + "_" + i;
            }
            String init = nullable ? CODECS + ".nullable(" + codecOf(type) + ")" : codecOf(type);
            fields.put(name, codecType(type.boxedJavaType()) + " " + name + " = " + init);
            fieldByKey.put(key, name);
        }
        return holder + "." + name;
    }

    private String fieldName(WireType type) {
        return switch (type) {
            case WireType.Primitive p -> p.prim().name();
            case WireType.Scalar s -> s.builtin().name();
            case WireType.PrimitiveArray a -> a.prim().name() + "_ARRAY";
            case WireType.Named n -> JavaNames.upperSnake(codecClass(n.name()).replaceFirst("Codec$", ""));
            case WireType.Sequence s -> s.kind().name() + "_OF_" + fieldName(s.element());
            case WireType.MapOf m -> "MAP_OF_" + fieldName(m.key()) + "_TO_" + fieldName(m.value());
            case WireType.OptionalOf o -> "OPTIONAL_OF_" + fieldName(o.element());
        };
    }

    /** A statement (no ';') writing the non-null {@code value} of {@code type} to {@code out}. */
    String write(WireType type, String value, String out) {
        return switch (type) {
            case WireType.Primitive p -> out + ".write" + p.prim().accessor + "(" + value + ")";
            case WireType.Scalar s -> out + ".write" + s.builtin().accessor + "(" + value + ")";
            default -> codecRef(type, false) + ".encode(" + value + ", " + out + ")";
        };
    }

    /** An expression reading a non-null value of {@code type} from {@code in}. */
    String read(WireType type, String in) {
        return switch (type) {
            case WireType.Primitive p -> in + ".read" + p.prim().accessor + "()";
            case WireType.Scalar s -> in + ".read" + s.builtin().accessor + "()";
            default -> codecRef(type, false) + ".decode(" + in + ")";
        };
    }

    /**
     * Statements encoding {@code value}: with a presence byte when nullable, else with a null check
     * naming {@code path}.
     *
     * @param variable whether {@code value} is a variable (read twice) rather than an accessor call
     */
    void encode(SourceBuilder src, TypeDef.Component c, String value, boolean variable, String path, String out) {
        if (c.nullable() && variable) {
            src.line(out + ".writePresence(" + value + " != null);");
            src.open("if (" + value + " != null)");
            src.line(write(c.type(), value, out) + ";");
            src.close();
        } else if (c.nullable()) {
            src.line(codecRef(c.type(), true) + ".encode(" + value + ", " + out + ");");
        } else if (c.type() instanceof WireType.Primitive p && !p.boxed()) {
            src.line(write(c.type(), value, out) + ";");
        } else {
            src.line(write(c.type(), WRITER + ".requireValue(" + value + ", " + JavaNames.literal(path) + ")", out)
                    + ";");
        }
    }

    /** An expression decoding {@code c}: {@code null} when nullable and absent. */
    String decode(TypeDef.Component c, String in) {
        String read = read(c.type(), in);
        return c.nullable() ? in + ".readPresence() ? " + read + " : null" : read;
    }

    /**
     * An expression decoding {@code c} as a record component or parameter: when nothing is left before
     * the reader's limit (an older peer did not send it), its {@code @Default} or its zero.
     */
    String decodeOrDefault(TypeDef.Component c, String in) {
        String read = decode(c, in);
        return in + ".hasMore() ? " + (c.nullable() ? "(" + read + ")" : read) + " : " + defaultOf(c);
    }

    /** The value of {@code c} when the peer did not send it: its {@code @Default}, else its zero. */
    String defaultOf(TypeDef.Component c) {
        if (c.defaultValue() != null) {
            return c.defaultValue();
        }
        if (!c.nullable() && c.type() instanceof WireType.Named n) {
            String missing = ZeroValue.missing(n.name(), model.types());
            if (missing != null) {
                return READER + ".<" + n.name() + ">noZero(" + JavaNames.literal(c.name() + " of type " + n.name())
                        + ")";
            }
        }
        return ZeroValue.of(c.type(), c.nullable(), model.types());
    }

    /** The return codec of a method's descriptor. */
    String returnCodec(ServiceModel.Method m) {
        return m.isVoid() ? CODECS + ".VOID" : codecRef(m.result().type(), m.result().nullable());
    }

    ServiceModel model() {
        return model;
    }
}
