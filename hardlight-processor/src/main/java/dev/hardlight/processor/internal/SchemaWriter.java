package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Writes {@code <Prefix>Schema}: the schema text, one method descriptor per method, the service descriptor. */
final class SchemaWriter {
    private SchemaWriter() {}

    /** The constant names of the methods' descriptors, in id order: UPPER_SNAKE, made unique. */
    static List<String> constants(ServiceModel model) {
        List<String> names = new ArrayList<>(List.of("SCHEMA", "DESCRIPTOR"));
        for (ServiceModel.Method m : model.methods()) {
            names.add(JavaNames.unique(JavaNames.upperSnake(m.name()), names));
        }
        return names.subList(2, names.size());
    }

    static String write(ValueCode code) {
        ServiceModel model = code.model();
        String schema = SchemaText.of(model);
        String className = model.prefix() + "Schema";
        List<String> constants = constants(model);
        SourceBuilder src = new SourceBuilder();
        Sources.header(src, model);
        src.line("/**");
        src.line(" * The schema of {@link " + model.interfaceName() + "}: its canonical text, method descriptors and");
        src.line(" * service descriptor (see {@code docs/protocol.md}, section 6).");
        src.line(" */");
        src.line(JavaNames.GENERATED);
        src.open("public final class " + className);
        src.line("/** The canonical schema text; its SHA-256 is the service's fingerprint. */");
        src.line("public static final java.lang.String SCHEMA =");
        String[] lines = schema.split("\n");
        for (int i = 0; i < lines.length; i++) {
            src.line("        " + JavaNames.literal(lines[i] + "\n") + (i == lines.length - 1 ? ";" : " +"));
        }
        for (ServiceModel.Method m : model.methods()) {
            src.line("");
            src.line("/** {@code " + SchemaText.schemaLine(m).replace("@", "&#64;") + "} */");
            src.line("public static final dev.hardlight.service.MethodDescriptor<" + m.boxedReturnType() + "> "
                    + constants.get(m.id()) + " =");
            // plain open methods keep the 5-argument constructor; gated ones add the feature, marked ones all
            String tail;
            if (m.idempotent() || m.nonBlocking()) {
                tail = ", " + (m.isGated() ? JavaNames.literal(m.requiredFeature()) : "null") + ", " + m.idempotent()
                        + ", " + m.nonBlocking();
            } else {
                tail = m.isGated() ? ", " + JavaNames.literal(m.requiredFeature()) : "";
            }
            src.line("        new dev.hardlight.service.MethodDescriptor<>(" + m.id() + ", "
                    + JavaNames.literal(m.name()) + ", " + hex64(SchemaText.hash64(SchemaText.signature(model, m)))
                    + ", " + code.returnCodec(m) + ", " + declaredErrors(m) + tail + ");");
        }
        src.line("");
        String events = SchemaText.events(model);
        if (events == null) {
            src.line("/** The service descriptor, for servers and clients of {@link " + model.interfaceName() + "}. */");
        } else {
            src.line("/**");
            src.line(" * The service descriptor, for servers and clients of {@link " + model.interfaceName() + "}.");
            src.line(" * The hash of its events is the first 8 bytes, big-endian, of the SHA-256 of:");
            src.line(" * <pre>{@code");
            for (String line : events.split("\n")) {
                src.line(" * " + line.replace("@", "&#64;").replace("*/", "*&#47;"));
            }
            src.line(" * }</pre>");
            src.line(" */");
        }
        src.line("public static final dev.hardlight.service.ServiceDescriptor<" + model.interfaceName()
                + "> DESCRIPTOR =");
        src.line("        new dev.hardlight.service.ServiceDescriptor<>(");
        src.line("                " + model.interfaceName() + ".class,");
        src.line("                " + JavaNames.literal(model.serviceName()) + ",");
        src.line("                java.util.HexFormat.of().parseHex(\""
                + HexFormat.of().formatHex(SchemaText.sha256(schema)) + "\"),");
        src.line("                SCHEMA,");
        src.line("                java.util.List.of(" + String.join(", ", constants) + "),");
        String state = model.state() == null ? null : code.holder() + "." + code.stateCodecClass() + ".INSTANCE";
        if (events != null) {
            src.line("                new " + model.prefix() + "Dispatcher(),");
            src.line("                " + (state == null ? "null" : state) + ",");
            src.line("                new dev.hardlight.service.EventDescriptor<>(" + model.events() + ".class, "
                    + code.codecOf(model.eventsDef().wireType()) + ", "
                    + hex64(SchemaText.hash64(events)) + "));");
        } else if (state == null) {
            src.line("                new " + model.prefix() + "Dispatcher());");
        } else {
            src.line("                new " + model.prefix() + "Dispatcher(),");
            src.line("                " + state + ");");
        }
        src.line("");
        src.line("private " + className + "() {}");
        src.close();
        return src.toString();
    }

    private static String declaredErrors(ServiceModel.Method m) {
        List<String> errors = new ArrayList<>();
        for (String e : m.thrown()) {
            errors.add("new dev.hardlight.service.DeclaredError(" + e + ".class, " + e + "::new)");
        }
        return "java.util.List.of(" + String.join(", ", errors) + ")";
    }

    private static String hex64(long v) {
        return "0x" + HexFormat.of().toHexDigits(v) + "L";
    }
}
