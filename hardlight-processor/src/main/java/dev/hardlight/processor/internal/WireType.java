package dev.hardlight.processor.internal;

import java.util.Locale;

/**
 * A type that crosses the wire, as the processor models it: its Java source form (fully qualified)
 * and its canonical schema form (see {@code docs/protocol.md} section 6). Types that encode to the same bytes have the
 * same schema form: {@code int}, {@code Integer}; {@code List<T>}, {@code T[]}. Immutable.
 */
public sealed interface WireType {
    /** The Java source form, fully qualified: {@code int}, {@code java.util.List<pkg.Point>}. */
    String javaType();

    /** The Java source form usable as a type argument: primitives boxed. */
    default String boxedJavaType() {
        return javaType();
    }

    /** The canonical schema form. */
    String schema();

    /** The eight primitive types and their boxes. */
    enum Prim {
        BOOLEAN("boolean", "java.lang.Boolean", "Boolean"),
        BYTE("byte", "java.lang.Byte", "Byte"),
        SHORT("short", "java.lang.Short", "Short"),
        CHAR("char", "java.lang.Character", "Char"),
        INT("int", "java.lang.Integer", "Int"),
        LONG("long", "java.lang.Long", "Long"),
        FLOAT("float", "java.lang.Float", "Float"),
        DOUBLE("double", "java.lang.Double", "Double");

        final String keyword;
        final String box;
        /** Suffix of the {@code WireWriter.writeX} and {@code WireReader.readX} methods. */
        final String accessor;

        Prim(String keyword, String box, String accessor) {
            this.keyword = keyword;
            this.box = box;
            this.accessor = accessor;
        }

        /** The constant name in {@code dev.hardlight.codec.Codecs}. */
        String codecConstant() {
            return name();
        }

        static Prim ofBox(String qualifiedName) {
            for (Prim p : values()) {
                if (p.box.equals(qualifiedName)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** A primitive, or its box when {@code boxed}: the same bytes either way. */
    record Primitive(Prim prim, boolean boxed) implements WireType {
        @Override
        public String javaType() {
            return boxed ? prim.box : prim.keyword;
        }

        @Override
        public String boxedJavaType() {
            return prim.box;
        }

        @Override
        public String schema() {
            return prim.keyword;
        }
    }

    /** Built-in scalar types with a method of their own on {@code WireWriter}. */
    enum Builtin {
        STRING("java.lang.String", "string", "String"),
        BYTES("byte[]", "bytes", "Bytes"),
        INSTANT("java.time.Instant", "instant", "Instant"),
        DURATION("java.time.Duration", "duration", "Duration"),
        UUID("java.util.UUID", "uuid", "Uuid"),
        TOPIC("dev.hardlight.Topic", "topic", "Topic");

        final String javaType;
        final String schema;
        final String accessor;

        Builtin(String javaType, String schema, String accessor) {
            this.javaType = javaType;
            this.schema = schema;
            this.accessor = accessor;
        }

        static Builtin ofJavaType(String qualifiedName) {
            for (Builtin b : values()) {
                if (b.javaType.equals(qualifiedName)) {
                    return b;
                }
            }
            return null;
        }
    }

    /** A built-in scalar: String, byte[], Instant, Duration, UUID, Topic. */
    record Scalar(Builtin builtin) implements WireType {
        @Override
        public String javaType() {
            return builtin.javaType;
        }

        @Override
        public String schema() {
            return builtin.schema;
        }
    }

    /** A record, enum or sealed interface of the user's, by canonical name; defined in {@link TypeDef}. */
    record Named(String name, TypeDef.Kind kind) implements WireType {
        @Override
        public String javaType() {
            return name;
        }

        @Override
        public String schema() {
            return name;
        }
    }

    /** How a sequence is held in Java. */
    enum SequenceKind {
        LIST, SET, ARRAY;

        String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code List<E>}, {@code Set<E>} or {@code E[]} of a reference type. */
    record Sequence(SequenceKind kind, WireType element) implements WireType {
        @Override
        public String javaType() {
            return switch (kind) {
                case LIST -> "java.util.List<" + element.boxedJavaType() + ">";
                case SET -> "java.util.Set<" + element.boxedJavaType() + ">";
                case ARRAY -> element.boxedJavaType() + "[]";
            };
        }

        @Override
        public String schema() {
            return (kind == SequenceKind.SET ? "set<" : "list<") + element.schema() + ">";
        }
    }

    /** {@code int[]} and the other primitive arrays except {@code byte[]} (a {@link Builtin#BYTES}). */
    record PrimitiveArray(Prim prim) implements WireType {
        @Override
        public String javaType() {
            return prim.keyword + "[]";
        }

        @Override
        public String schema() {
            return "list<" + prim.keyword + ">";
        }
    }

    /** {@code Map<K, V>}. */
    record MapOf(WireType key, WireType value) implements WireType {
        @Override
        public String javaType() {
            return "java.util.Map<" + key.boxedJavaType() + ", " + value.boxedJavaType() + ">";
        }

        @Override
        public String schema() {
            return "map<" + key.schema() + "," + value.schema() + ">";
        }
    }

    /** {@code Optional<T>}: the same bytes as a {@code @Nullable T}. */
    record OptionalOf(WireType element) implements WireType {
        @Override
        public String javaType() {
            return "java.util.Optional<" + element.boxedJavaType() + ">";
        }

        @Override
        public String schema() {
            return element.schema() + "?";
        }
    }
}
