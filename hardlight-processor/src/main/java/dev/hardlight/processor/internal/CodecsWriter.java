package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code <Prefix>Codecs}: one nested codec class per record, enum and sealed interface, each
 * with its {@code INSTANCE} declared first, the connection state's {@code StateCodec} when the service
 * has one, then the composite codecs the other classes asked for.
 * Must run after the other writers, which request those composites.
 */
final class CodecsWriter {
    private static final String CODEC = "dev.hardlight.codec.Codec";
    private static final String IN = "dev.hardlight.codec.WireReader in";
    private static final String OUT = "dev.hardlight.codec.WireWriter out";

    private CodecsWriter() {}

    static String write(ValueCode code) {
        ServiceModel model = code.model();
        SourceBuilder types = new SourceBuilder();
        for (TypeDef def : model.types().values()) {
            types.line("");
            switch (def) {
                case TypeDef.RecordDef r -> record(types, code, r);
                case TypeDef.EnumDef e -> enumeration(types, code, e);
                case TypeDef.SealedDef s -> sealed(types, code, s);
            }
        }
        if (model.stateDef() != null) {
            types.line("");
            state(types, code, model.stateDef());
        }
        SourceBuilder src = new SourceBuilder();
        Sources.header(src, model);
        src.line("/**");
        src.line(" * Codecs of the types crossing the wire in {@link " + model.interfaceName() + "}. Stateless and");
        src.line(" * thread-safe. The composite codecs below only name the nested classes' {@code INSTANCE}s,");
        src.line(" * whose initialization depends on nothing: class initialization cannot deadlock or see a null.");
        src.line(" */");
        src.line(JavaNames.GENERATED);
        src.open("public final class " + code.holder());
        for (Map.Entry<String, String> field : code.fields().entrySet()) {
            src.line("public static final " + field.getValue() + ";");
        }
        if (!code.fields().isEmpty()) {
            src.line("");
        }
        src.line("private " + code.holder() + "() {}");
        src.lines(types.toString());
        src.close();
        return src.toString();
    }

    private static void begin(SourceBuilder src, ValueCode code, TypeDef def, String what) {
        String name = code.codecClass(def.name());
        src.line("/** Codec of " + what + " {@link " + def.name() + "}. */");
        src.open("public static final class " + name + " implements " + CODEC + "<" + def.name() + ">");
        src.line("public static final " + name + " INSTANCE = new " + name + "();");
    }

    private static void end(SourceBuilder src, ValueCode code, TypeDef def) {
        src.line("");
        src.line("private " + code.codecClass(def.name()) + "() {}");
        src.close();
    }

    private static void record(SourceBuilder src, ValueCode code, TypeDef.RecordDef def) {
        begin(src, code, def, "record");
        src.line("");
        src.line("@java.lang.Override");
        src.open("public void encode(" + def.name() + " value, " + OUT + ")");
        src.line(ValueCode.WRITER + ".requireValue(value, " + JavaNames.literal(def.name()) + ");");
        src.line("int start = out.beginRecord();");
        src.line("encodeContent(value, out);");
        src.line("out.endRecord(start);");
        src.close();
        src.line("");
        src.line("/** Writes the components, without the record's length: the content of a sealed value. */");
        src.open("public void encodeContent(" + def.name() + " value, " + OUT + ")");
        for (TypeDef.Component c : def.components()) {
            code.encode(src, c, "value." + c.name() + "()", false, def.name() + "." + c.name(), "out");
        }
        src.close();
        src.line("");
        src.line("@java.lang.Override");
        src.open("public " + def.name() + " decode(" + IN + ")");
        src.line("int limit = in.beginRecord();");
        src.line(def.name() + " value = decodeContent(in);");
        src.line("in.endRecord(limit);");
        src.line("return value;");
        src.close();
        src.line("");
        src.line("/**");
        src.line(" * Reads the components while bytes remain before the reader's limit; a component an older peer");
        src.line(" * did not send takes its default. Bytes left after the last one (a newer peer's) are the caller's");
        src.line(" * to skip.");
        src.line(" */");
        src.open("public " + def.name() + " decodeContent(" + IN + ")");
        if (def.components().isEmpty()) {
            src.line("return new " + def.name() + "();");
        } else {
            src.line("return new " + def.name() + "(");
            for (int i = 0; i < def.components().size(); i++) {
                String arg = code.decodeOrDefault(def.components().get(i), "in");
                src.line("        " + arg + (i == def.components().size() - 1 ? ");" : ","));
            }
        }
        src.close();
        end(src, code, def);
    }

    private static void enumeration(SourceBuilder src, ValueCode code, TypeDef.EnumDef def) {
        begin(src, code, def, "enum");
        src.line("private static final " + def.name() + "[] VALUES = " + def.name() + ".values();");
        src.line("");
        src.line("@java.lang.Override");
        src.open("public void encode(" + def.name() + " value, " + OUT + ")");
        src.line("out.writeVarInt(" + ValueCode.WRITER + ".requireValue(value, " + JavaNames.literal(def.name())
                + ").ordinal());");
        src.close();
        src.line("");
        src.line("@java.lang.Override");
        src.open("public " + def.name() + " decode(" + IN + ")");
        src.line("int ordinal = in.readVarInt();");
        src.open("if (ordinal < " + def.constants().size() + ")");
        src.line("return VALUES[ordinal];");
        src.close();
        if (def.fallback() >= 0) {
            src.line("return " + def.name() + "." + def.constants().get(def.fallback()) + "; // @Fallback");
        } else {
            src.line("throw " + ValueCode.READER + ".unknownConstant(" + JavaNames.literal(def.name()) + ", ordinal);");
        }
        src.close();
        end(src, code, def);
    }

    private static void sealed(SourceBuilder src, ValueCode code, TypeDef.SealedDef def) {
        begin(src, code, def, "sealed interface");
        src.line("");
        src.line("@java.lang.Override");
        src.open("public void encode(" + def.name() + " value, " + OUT + ")");
        src.line(ValueCode.WRITER + ".requireValue(value, " + JavaNames.literal(def.name()) + ");");
        for (int tag = 0; tag < def.permitted().size(); tag++) {
            WireType.Named sub = def.permitted().get(tag);
            String head = "if (value instanceof " + sub.name() + " v)";
            if (tag == 0) {
                src.open(head);
            } else {
                src.next("} else " + head + " {");
            }
            src.line("out.writeVarInt(" + tag + ");");
            src.line("int start = out.beginRecord();");
            if (sub.kind() == TypeDef.Kind.RECORD) {
                src.line(code.codecOf(sub) + ".encodeContent(v, out);");
            } else {
                src.line(code.write(sub, "v", "out") + ";");
            }
            src.line("out.endRecord(start);");
        }
        src.next("} else {");
        src.line("throw new java.lang.IllegalArgumentException(" + JavaNames.literal("not a permitted subtype of "
                + def.name() + ": ") + " + value.getClass().getName());");
        src.close();
        src.close();
        src.line("");
        src.line("@java.lang.Override");
        src.open("public " + def.name() + " decode(" + IN + ")");
        src.line("int tag = in.readVarInt();");
        src.line("int limit = in.beginRecord();");
        src.open(def.name() + " value = switch (tag)");
        for (int tag = 0; tag < def.permitted().size(); tag++) {
            WireType.Named sub = def.permitted().get(tag);
            String read = sub.kind() == TypeDef.Kind.RECORD ? code.codecOf(sub) + ".decodeContent(in)"
                    : code.read(sub, "in");
            src.line("case " + tag + " -> " + read + ";");
        }
        if (def.fallback() >= 0) {
            src.open("default ->");
            src.line("in.skipRemaining(); // a newer peer's subtype: its bytes skipped, the @Fallback defaulted");
            src.line("yield " + code.codecOf(def.permitted().get(def.fallback())) + ".decodeContent(in);");
            src.close();
        } else {
            src.line("default -> throw " + ValueCode.READER + ".unknownSubtype(" + JavaNames.literal(def.name())
                    + ", tag);");
        }
        src.close("};");
        src.line("in.endRecord(limit);");
        src.line("return value;");
        src.close();
        end(src, code, def);
    }

    private static final String IOOBE = "java.lang.IndexOutOfBoundsException";

    /** The {@code StateCodec} of the connection state record: component-wise, for snapshots and deltas. */
    private static void state(SourceBuilder src, ValueCode code, TypeDef.RecordDef def) {
        ServiceModel model = code.model();
        String name = code.stateCodecClass();
        String type = def.name();
        List<TypeDef.Component> components = def.components();
        int n = components.size();
        String noComponent = JavaNames.literal(type + " has no component ") + " + index";
        src.line("/** Codec of the connection state {@link " + type + "}, component by component. */");
        src.open("public static final class " + name + " implements dev.hardlight.service.StateCodec<" + type + ">");
        src.line("public static final " + name + " INSTANCE = new " + name + "();");
        List<String> names = new ArrayList<>();
        for (TypeDef.Component c : components) {
            names.add(JavaNames.literal(c.name()));
        }
        src.line("private static final java.util.List<java.lang.String> NAMES = java.util.List.of("
                + String.join(", ", names) + ");");

        src.line("");
        src.line("@java.lang.Override");
        src.open("public java.lang.Class<" + type + "> type()");
        src.line("return " + type + ".class;");
        src.close();

        src.line("");
        src.line("@java.lang.Override");
        src.open("public " + type + " initial()");
        List<String> zeros = ZeroValue.components(def, model.types());
        if (zeros.isEmpty()) {
            src.line("return new " + type + "();");
        } else {
            src.line("return new " + type + "(");
            for (int i = 0; i < n; i++) {
                src.line("        " + zeros.get(i) + (i == n - 1 ? ");" : ","));
            }
        }
        src.close();

        src.line("");
        src.line("/**");
        src.line(" * The first 8 bytes, big-endian, of the SHA-256 of the state's schema text:");
        src.line(" * <pre>{@code");
        for (String line : SchemaText.state(model).split("\n")) {
            src.line(" * " + line.replace("@", "&#64;").replace("*/", "*&#47;"));
        }
        src.line(" * }</pre>");
        src.line(" */");
        src.line("@java.lang.Override");
        src.open("public long schemaHash()");
        src.line("return 0x" + HexFormat.of().toHexDigits(SchemaText.hash64(SchemaText.state(model))) + "L;");
        src.close();

        src.line("");
        src.line("@java.lang.Override");
        src.open("public int fieldCount()");
        src.line("return " + n + ";");
        src.close();

        src.line("");
        src.line("@java.lang.Override");
        src.open("public java.lang.String fieldName(int index)");
        src.line("return NAMES.get(index);");
        src.close();

        src.line("");
        src.line("@java.lang.Override");
        src.open("public boolean fieldEquals(" + type + " a, " + type + " b, int index)");
        if (n == 0) {
            src.line("throw new " + IOOBE + "(" + noComponent + ");");
        } else {
            src.open("return switch (index)");
            for (int i = 0; i < n; i++) {
                src.line("case " + i + " -> " + equality(components.get(i)) + ";");
            }
            src.line("default -> throw new " + IOOBE + "(" + noComponent + ");");
            src.close("};");
        }
        src.close();

        src.line("");
        src.line("@java.lang.Override");
        src.open("public void encodeField(" + type + " value, int index, " + OUT + ")");
        src.open("switch (index)");
        for (int i = 0; i < n; i++) {
            TypeDef.Component c = components.get(i);
            SourceBuilder statement = new SourceBuilder();
            code.encode(statement, c, "value." + c.name() + "()", false, type + "." + c.name(), "out");
            src.line("case " + i + " -> " + statement.toString().strip());
        }
        src.line("default -> throw new " + IOOBE + "(" + noComponent + ");");
        src.close();
        src.close();

        src.line("");
        src.line("@java.lang.Override");
        src.open("public " + type + " applyDelta(" + type + " base, int count, " + IN + ")");
        Set<String> taken = new HashSet<>(List.of("base", "count", "in", "last", "k", "index"));
        taken.addAll(Locals.shadowable(model));
        List<String> locals = new ArrayList<>();
        for (TypeDef.Component c : components) {
            String local = JavaNames.unique(c.name(), taken);
            taken.add(local);
            locals.add(local);
            src.line(c.type().javaType() + " " + local + " = base." + c.name() + "();");
        }
        src.line("int last = -1;");
        src.open("for (int k = 0; k < count; k++)");
        src.line("int index = in.readVarInt();");
        src.open("if (index <= last)");
        src.line("throw " + ValueCode.READER + ".malformed(\"state field index \" + index + \" after \" + last");
        src.line("        + \" (expected: strictly increasing)\");");
        src.close();
        src.open("if (index >= " + n + ")");
        src.line("in.skipRemaining(); // a newer server's component: it and every later one are unknown here");
        src.line("break;");
        src.close();
        src.line("last = index;");
        if (n > 0) {
            src.open("switch (index)");
            for (int i = 0; i < n; i++) {
                src.line("case " + i + " -> " + locals.get(i) + " = " + code.decode(components.get(i), "in") + ";");
            }
            src.line("default -> throw new java.lang.AssertionError(\"index checked above\");");
            src.close();
        }
        src.close();
        src.line("return new " + type + "(" + String.join(", ", locals) + ");");
        src.close();

        src.line("");
        src.line("/** Reads a snapshot: the state encoded as a record. */");
        src.line("@java.lang.Override");
        src.open("public " + type + " decode(" + IN + ")");
        src.line("return " + code.codecClass(type) + ".INSTANCE.decode(in);");
        src.close();

        src.line("");
        src.line("private " + name + "() {}");
        src.close();
    }

    /** Whether component {@code c} of records {@code a} and {@code b} is equal: as record equals does, arrays by content. */
    private static String equality(TypeDef.Component c) {
        String a = "a." + c.name() + "()";
        String b = "b." + c.name() + "()";
        return switch (c.type()) {
            case WireType.Primitive p when !p.boxed() && p.prim() == WireType.Prim.FLOAT ->
                    "java.lang.Float.compare(" + a + ", " + b + ") == 0";
            case WireType.Primitive p when !p.boxed() && p.prim() == WireType.Prim.DOUBLE ->
                    "java.lang.Double.compare(" + a + ", " + b + ") == 0";
            case WireType.Primitive p when !p.boxed() -> a + " == " + b;
            case WireType.Scalar s when s.builtin() == WireType.Builtin.BYTES ->
                    "java.util.Arrays.equals(" + a + ", " + b + ")";
            case WireType.PrimitiveArray arr -> "java.util.Arrays.equals(" + a + ", " + b + ")";
            case WireType.Sequence q when q.kind() == WireType.SequenceKind.ARRAY ->
                    "java.util.Arrays.deepEquals(" + a + ", " + b + ")";
            default -> "java.util.Objects.equals(" + a + ", " + b + ")";
        };
    }
}
