package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Writes {@code <Prefix>Dispatcher}: a {@code switch} on the method id (a named constant per method), no reflection. */
final class DispatcherWriter {
    private DispatcherWriter() {}

    static String write(ValueCode code) {
        ServiceModel model = code.model();
        String className = model.prefix() + "Dispatcher";
        SourceBuilder src = new SourceBuilder();
        Sources.header(src, model);
        src.line("/**");
        src.line(" * Runs calls of {@link " + model.interfaceName() + "} on a handler: decodes the arguments (missing");
        src.line(" * trailing ones defaulted, extra ones skipped), invokes the handler and encodes its result. Stateless and thread-safe.");
        src.line(" */");
        src.line(JavaNames.GENERATED);
        src.open("public final class " + className + " implements dev.hardlight.service.ServiceDispatcher<"
                + model.interfaceName() + ">");
        List<String> ids = SchemaWriter.constants(model);
        for (ServiceModel.Method m : model.methods()) {
            src.line("/** The id of {@code " + m.name() + "}. */");
            src.line("private static final int " + ids.get(m.id()) + " = " + m.id() + ";");
            src.line("");
        }
        src.line("@java.lang.Override");
        src.open("public void dispatch(" + model.interfaceName() + " handler, int methodId, "
                + "dev.hardlight.codec.WireReader in, dev.hardlight.codec.WireWriter out) throws java.lang.Exception");
        src.open("switch (methodId)");
        for (ServiceModel.Method m : model.methods()) {
            method(src, code, m, ids.get(m.id()));
        }
        src.line("default -> throw new dev.hardlight.RpcException(dev.hardlight.Status.UNIMPLEMENTED,");
        src.line("        " + JavaNames.literal(model.serviceName() + " has no method with id ") + " + methodId);");
        src.close();
        src.close();
        src.close();
        return src.toString();
    }

    private static void method(SourceBuilder src, ValueCode code, ServiceModel.Method m, String id) {
        ServiceModel model = code.model();
        Set<String> taken = new HashSet<>(List.of("handler", "methodId", "in", "out", "result"));
        taken.addAll(Locals.shadowable(model));
        List<String> args = new ArrayList<>();
        src.open("case " + id + " ->");
        for (TypeDef.Component p : m.params()) {
            String local = JavaNames.unique(p.name(), taken);
            taken.add(local);
            args.add(local);
            src.line(p.type().javaType() + " " + local + " = " + code.decodeOrDefault(p, "in") + ";");
        }
        src.line("in.endArguments();");
        String call = "handler." + m.name() + "(" + String.join(", ", args) + ")";
        if (m.isVoid()) {
            src.line(call + ";");
        } else {
            src.line(m.javaReturnType() + " result = " + call + ";");
            code.encode(src, m.result(), "result", true, "result of " + model.serviceName() + "." + m.name(), "out");
        }
        src.close();
    }
}
