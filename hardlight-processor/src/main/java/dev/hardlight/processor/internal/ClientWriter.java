package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes {@code <Prefix>Client}: the interface implemented over an {@code RpcChannel}, plus an
 * {@code <method>Async} variant of each method, the typed state and events of the connection (through
 * {@code RpcChannel.view}, so without unchecked casts) and a {@code FACTORY} for any transport. What it
 * writes does not depend on the compile class path.
 */
final class ClientWriter {
    private ClientWriter() {}

    static String write(ValueCode code) {
        ServiceModel model = code.model();
        String className = model.prefix() + "Client";
        List<String> constants = SchemaWriter.constants(model);
        SourceBuilder src = new SourceBuilder();
        Sources.header(src, model);
        src.line("/**");
        src.line(" * A client of {@link " + model.interfaceName() + "} over one connection. Each method sends a call and");
        src.line(" * waits for its result; each {@code <method>Async} variant returns at once with a future.");
        src.line(" * Thread-safe: calls from many threads share the connection.");
        src.line(" */");
        src.line(JavaNames.GENERATED);
        src.open("public final class " + className + " implements " + model.interfaceName()
                + ", java.lang.AutoCloseable");
        boolean typed = model.state() != null || model.events() != null;
        String stateType = model.state() == null ? "java.lang.Void" : model.state();
        String eventType = model.events() == null ? "java.lang.Void" : model.events();
        src.line("/**");
        src.line(" * Makes clients of {@link " + model.interfaceName() + "} over any transport, e.g.");
        src.line(" * {@code HardLight.connect(uri, options, " + className + ".FACTORY)}.");
        src.line(" */");
        src.line("public static final dev.hardlight.service.ClientFactory<" + className + "> FACTORY =");
        src.line("        dev.hardlight.service.ClientFactory.of(" + model.prefix() + "Schema.DESCRIPTOR, " + className + "::of);");
        src.line("");
        src.line("private final dev.hardlight.service.RpcChannel channel;");
        if (typed) {
            src.line("private final dev.hardlight.service.ConnectionView<" + stateType + ", " + eventType + "> view;");
        }
        src.line("");
        if (typed) {
            src.line("/**");
            src.line(" * A client making its calls on {@code channel}, which it owns from now on.");
            src.line(" *");
            src.line(" * @throws java.lang.IllegalArgumentException when the channel's state or event type is not this service's");
            src.line(" */");
        } else {
            src.line("/** A client making its calls on {@code channel}, which it owns from now on. */");
        }
        src.open("public " + className + "(dev.hardlight.service.RpcChannel channel)");
        src.line("this.channel = java.util.Objects.requireNonNull(channel, \"channel\");");
        if (typed) {
            src.line("this.view = channel.view(" + stateType + ".class, " + eventType + ".class);");
        }
        src.close();
        src.line("");
        src.line("/** {@link #" + className + "(dev.hardlight.service.RpcChannel)} as a method reference. */");
        src.open("public static " + className + " of(dev.hardlight.service.RpcChannel channel)");
        src.line("return new " + className + "(channel);");
        src.close();
        src.line("");
        src.line("/** The channel this client calls through. */");
        src.open("public dev.hardlight.service.RpcChannel channel()");
        src.line("return channel;");
        src.close();
        src.line("");
        src.line("/**");
        src.line(" * A client on the same connection whose calls carry {@code deadline}: a call not answered within it");
        src.line(" * fails with {@code DEADLINE_EXCEEDED} and is cancelled on the server. Closing either client closes");
        src.line(" * the connection.");
        src.line(" */");
        src.open("public " + className + " withDeadline(java.time.Duration deadline)");
        src.line("return new " + className + "(channel.withDeadline(deadline));");
        src.close();
        src.line("");
        src.line("/**");
        src.line(" * The features enabled on this connection, as the server last announced them: the methods gated");
        src.line(" * by {@code @Requires} that this client may call. When a call that changed them returns, this");
        src.line(" * already shows the change. Never blocks.");
        src.line(" */");
        src.open("public java.util.Set<java.lang.String> features()");
        src.line("return channel.features();");
        src.close();
        src.line("");
        src.line("/** Closes the connection; pending calls fail with {@code CONNECTION_LOST}. */");
        src.line("@java.lang.Override");
        src.open("public void close()");
        src.line("channel.close();");
        src.close();
        if (model.state() != null) {
            state(src, model);
        }
        if (model.events() != null) {
            events(src, model);
        }
        for (ServiceModel.Method m : model.methods()) {
            String descriptor = model.prefix() + "Schema." + constants.get(m.id());
            blocking(src, code, m, descriptor);
            async(src, code, m, descriptor);
        }
        src.close();
        return src.toString();
    }

    /** The connection state accessor and listener methods, delegating to the channel. */
    private static void state(SourceBuilder src, ServiceModel model) {
        String type = model.state();
        String listenerType = "dev.hardlight.StateListener<" + type + ">";
        String listener = JavaNames.unique("listener", reserved(model));
        src.line("");
        src.line("/**");
        src.line(" * The connection state, as of the last message this client handled. Valid as soon as the client");
        src.line(" * is connected; when a call returns, it already reflects every change the call made. Never blocks.");
        src.line(" */");
        src.open("public " + type + " state()");
        src.line("return view.state();");
        src.close();
        src.line("");
        src.line("/**");
        src.line(" * Adds a listener told of every change of the connection state, in the order the server committed");
        src.line(" * them; it runs on the connection's I/O thread (see {@link dev.hardlight.StateListener}).");
        src.line(" */");
        src.open("public void onStateChange(" + listenerType + " " + listener + ")");
        src.line("view.addStateListener(" + listener + ");");
        src.close();
        src.line("");
        src.line("/** Removes a listener added with {@link #onStateChange}. */");
        src.open("public void removeStateListener(" + listenerType + " " + listener + ")");
        src.line("view.removeStateListener(" + listener + ");");
        src.close();
    }

    /** The event stream accessor and listener methods, delegating to the channel. */
    private static void events(SourceBuilder src, ServiceModel model) {
        String type = model.events();
        String listenerType = "dev.hardlight.EventListener<" + type + ">";
        String listener = JavaNames.unique("listener", reserved(model));
        src.line("");
        src.line("/**");
        src.line(" * The events this client receives, in arrival order. The bounded queue behind it exists from the");
        src.line(" * moment the client is connected, so events arriving before the first call to this method are");
        src.line(" * kept; when it is full, new events are dropped and {@link dev.hardlight.Event#missedBefore()} of");
        src.line(" * the next event taken counts them.");
        src.line(" */");
        src.open("public dev.hardlight.EventStream<" + type + "> events()");
        src.line("return view.events();");
        src.close();
        src.line("");
        src.line("/**");
        src.line(" * Adds a listener told of every event this client receives, before it is queued for");
        src.line(" * {@link #events()}; it runs on the connection's I/O thread (see {@link dev.hardlight.EventListener}).");
        src.line(" */");
        src.open("public void onEvent(" + listenerType + " " + listener + ")");
        src.line("view.addEventListener(" + listener + ");");
        src.close();
        src.line("");
        src.line("/** Removes a listener added with {@link #onEvent}. */");
        src.open("public void removeEventListener(" + listenerType + " " + listener + ")");
        src.line("view.removeEventListener(" + listener + ");");
        src.close();
    }

    private static void blocking(SourceBuilder src, ValueCode code, ServiceModel.Method m, String descriptor) {
        Set<String> taken = reserved(code.model());
        List<String> params = names(m, taken);
        String out = JavaNames.unique("out", taken);
        src.line("");
        if (m.isGated()) {
            src.line("/**");
            src.line(" * {@inheritDoc}");
            src.line(" *");
            src.line(" * <p>Needs the feature {@code " + m.requiredFeature() + "}: when the connection lacks it, fails");
            src.line(" * locally, without a round trip, with an {@link dev.hardlight.RpcException} of status");
            src.line(" * {@link dev.hardlight.Status#PERMISSION_DENIED}.");
            src.line(" */");
        }
        src.line("@java.lang.Override");
        src.open("public " + m.javaReturnType() + " " + m.name() + "(" + parameters(m, params) + ")"
                + throwsClause(m.thrown()));
        src.open("try");
        String call = "channel.call(" + descriptor + ", ";
        if (m.params().isEmpty()) {
            src.line((m.isVoid() ? "" : "return ") + call + "dev.hardlight.service.ArgumentWriter.NONE);");
        } else {
            src.open((m.isVoid() ? "" : "return ") + call + out + " ->");
            arguments(src, code, m, params, out);
            src.close("});");
        }
        List<String> rethrown = new ArrayList<>(List.of("java.lang.RuntimeException"));
        rethrown.addAll(m.rethrown());
        for (String type : rethrown) {
            src.next("} catch (" + type + " e) {");
            src.line("throw e;");
        }
        if (!m.thrown().contains("java.lang.Exception")) {
            src.next("} catch (java.lang.Exception e) {");
            src.line("throw new dev.hardlight.RpcException(dev.hardlight.Status.UNKNOWN, "
                    + JavaNames.literal(m.name() + " failed: ") + " + e, e);");
        }
        src.close();
        src.close();
    }

    private static void async(SourceBuilder src, ValueCode code, ServiceModel.Method m, String descriptor) {
        Set<String> taken = reserved(code.model());
        List<String> params = names(m, taken);
        String out = JavaNames.unique("out", taken);
        src.line("");
        if (m.isGated()) {
            src.line("/**");
            src.line(" * Calls {@link #" + m.name() + "} without waiting; declared exceptions complete the future.");
            src.line(" * Needs the feature {@code " + m.requiredFeature() + "}: when the connection lacks it, fails");
            src.line(" * locally, without a round trip, with {@link dev.hardlight.Status#PERMISSION_DENIED}.");
            src.line(" */");
        } else {
            src.line("/** Calls {@link #" + m.name() + "} without waiting; declared exceptions complete the future. */");
        }
        src.open("public java.util.concurrent.CompletableFuture<" + m.boxedReturnType() + "> " + m.name() + "Async("
                + parameters(m, params) + ")");
        String call = "return channel.callAsync(" + descriptor + ", ";
        if (m.params().isEmpty()) {
            src.line(call + "dev.hardlight.service.ArgumentWriter.NONE);");
        } else {
            src.open(call + out + " ->");
            arguments(src, code, m, params, out);
            src.close("});");
        }
        src.close();
    }

    private static void arguments(SourceBuilder src, ValueCode code, ServiceModel.Method m, List<String> params,
                                  String out) {
        for (int i = 0; i < params.size(); i++) {
            TypeDef.Component p = m.params().get(i);
            code.encode(src, p, params.get(i), true,
                    "argument '" + p.name() + "' of " + code.model().serviceName() + "." + m.name(), out);
        }
    }

    private static Set<String> reserved(ServiceModel model) {
        Set<String> taken = new HashSet<>(Locals.shadowable(model));
        taken.add("e");
        taken.add("channel");
        return taken;
    }

    private static List<String> names(ServiceModel.Method m, Set<String> taken) {
        List<String> names = new ArrayList<>();
        for (TypeDef.Component p : m.params()) {
            String n = JavaNames.unique(p.name(), taken);
            taken.add(n);
            names.add(n);
        }
        return names;
    }

    private static String parameters(ServiceModel.Method m, List<String> names) {
        List<String> ps = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String type = m.params().get(i).type().javaType();
            if (m.varArgs() && i == names.size() - 1 && type.endsWith("[]")) {
                type = type.substring(0, type.length() - 2) + "...";
            }
            ps.add(type + " " + names.get(i));
        }
        return String.join(", ", ps);
    }

    private static String throwsClause(List<String> thrown) {
        return thrown.isEmpty() ? "" : " throws " + String.join(", ", thrown);
    }
}
