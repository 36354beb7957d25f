package dev.hardlight.processor.internal;

import java.util.List;

/** The definition of a user type crossing the wire: a record, an enum or a sealed interface. Immutable. */
public sealed interface TypeDef {
    /** The canonical name, e.g. {@code pkg.Outer.Point}. */
    String name();

    /** Where the codec class and field names come from: the binary name inside its package, {@code Outer_Point}. */
    String flatName();

    /** The kind of a named type. */
    enum Kind { RECORD, ENUM, SEALED }

    /** The kind of this type. */
    default Kind kind() {
        return switch (this) {
            case RecordDef r -> Kind.RECORD;
            case EnumDef e -> Kind.ENUM;
            case SealedDef s -> Kind.SEALED;
        };
    }

    /** This type as a wire type. */
    default WireType.Named wireType() {
        return new WireType.Named(name(), kind());
    }

    /** The canonical schema line of this type, without the newline. */
    String schemaLine();

    /** A record: its components in declaration order. */
    record RecordDef(String name, String flatName, List<Component> components) implements TypeDef {
        public RecordDef {
            components = List.copyOf(components);
        }

        @Override
        public String schemaLine() {
            StringBuilder sb = new StringBuilder("record ").append(name).append('(');
            for (int i = 0; i < components.size(); i++) {
                Component c = components.get(i);
                sb.append(i == 0 ? "" : ",").append(c.name()).append(':').append(c.schema());
            }
            return sb.append(')').toString();
        }
    }

    /**
     * An enum: its constants in declaration (ordinal) order.
     *
     * @param fallback the index of the {@code @Fallback} constant, or -1
     */
    record EnumDef(String name, String flatName, List<String> constants, int fallback) implements TypeDef {
        public EnumDef {
            constants = List.copyOf(constants);
        }

        public EnumDef(String name, String flatName, List<String> constants) {
            this(name, flatName, constants, -1);
        }

        @Override
        public String schemaLine() {
            return "enum " + name + "{" + String.join(",", constants) + "}";
        }
    }

    /**
     * A sealed interface: its permitted subtypes in {@code permits} order (the tags).
     *
     * @param fallback the index of the {@code @Fallback} permitted record, or -1
     */
    record SealedDef(String name, String flatName, List<WireType.Named> permitted, int fallback) implements TypeDef {
        public SealedDef {
            permitted = List.copyOf(permitted);
        }

        public SealedDef(String name, String flatName, List<WireType.Named> permitted) {
            this(name, flatName, permitted, -1);
        }

        @Override
        public String schemaLine() {
            StringBuilder sb = new StringBuilder("sealed ").append(name).append('{');
            for (int i = 0; i < permitted.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(permitted.get(i).name());
            }
            return sb.append('}').toString();
        }
    }

    /**
     * A record component, parameter or return value: a type and whether {@code null} is allowed.
     *
     * @param defaultValue the Java expression of its {@code @Default}, or {@code null} (then its zero)
     */
    record Component(String name, WireType type, boolean nullable, String defaultValue) {
        public Component(String name, WireType type, boolean nullable) {
            this(name, type, nullable, null);
        }

        /** The schema form: the type's, with {@code ?} appended when nullable. */
        public String schema() {
            return type.schema() + (nullable ? "?" : "");
        }
    }
}
