package dev.hardlight.cli;

import dev.hardlight.internal.schema.Schema;
import dev.hardlight.netty.ClientOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hardlight describe URL}: the server's contract, from its HELLO (or {@code --schema}). */
@Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints what a server serves: methods, types, state and events.",
                "The service, its methods with parameter names and types, the "
                + "declared exceptions and the feature each method requires, the state and event types, and every type "
                + "crossing the wire. Read from the schema the server sends in its HELLO (or --schema FILE)."})
final class DescribeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "the server, e.g. wss://localhost:8443/hl")
    String url;

    @Option(names = "--json", description = "print the description as one JSON object")
    boolean json;

    @Option(names = "--schema-text", description = "print the canonical schema text itself (save it for --schema)")
    boolean schemaText;

    @Mixin
    Remote remote;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        URI u = Remote.url(url);
        ClientOptions options = remote.options(u, spec.commandLine().getErr(), 0);
        DynamicContract c = remote.contract(u, options);
        if (schemaText) {
            out.print(c.text);
        } else if (json) {
            out.println(Json.pretty(toJson(c)));
        } else {
            out.print(text(c));
        }
        out.flush();
        return Exits.OK;
    }

    static String text(DynamicContract c) {
        Schema s = c.schema;
        StringBuilder b = new StringBuilder();
        b.append("service ").append(s.service()).append('\n');
        b.append("fingerprint ").append(Remote.hex(c.descriptor.fingerprint())).append('\n');
        b.append('\n').append("methods:\n");
        for (Schema.Method m : s.methods().values()) {
            b.append("  ").append(WireJson.signature(m));
            if (!m.exceptions().isEmpty()) {
                b.append(" throws ").append(String.join(", ", m.exceptions()));
            }
            String f = c.requires.get(m.name());
            if (f != null) {
                b.append("  [requires ").append(f).append(']');
            }
            b.append('\n');
        }
        if (s.state() != null) {
            b.append('\n').append("state: ").append(s.state()).append('\n');
        }
        if (s.events() != null) {
            b.append('\n').append("events: ").append(s.events()).append('\n');
        }
        if (!s.types().isEmpty()) {
            b.append('\n').append("types:\n");
            for (Schema.Type t : s.types().values()) {
                b.append("  ").append(t.kind()).append(' ').append(t.name());
                switch (t) {
                    case Schema.Record r -> {
                        StringBuilder line = new StringBuilder(" {");
                        for (int i = 0; i < r.components().size(); i++) {
                            line.append(i == 0 ? " " : ", ").append(r.components().get(i).name()).append(": ")
                                    .append(r.components().get(i).type());
                        }
                        line.append(r.components().isEmpty() ? "}" : " }");
                        if (b.length() - b.lastIndexOf("\n") + line.length() <= 100) {
                            b.append(line);
                        } else {
                            b.append(" {\n");
                            for (Schema.Field f : r.components()) {
                                b.append("      ").append(f.name()).append(": ").append(f.type()).append('\n');
                            }
                            b.append("    }");
                        }
                    }
                    case Schema.Enum e -> b.append(" { ").append(String.join(", ", e.constants())).append(" }");
                    case Schema.Sealed sl -> b.append(" { ").append(String.join(", ", c.json.caseNames(sl.name())))
                            .append(" }  ($type)");
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    static Map<String, Object> toJson(DynamicContract c) {
        Schema s = c.schema;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("service", s.service());
        o.put("fingerprint", Remote.hex(c.descriptor.fingerprint()));
        List<Object> methods = new ArrayList<>();
        for (Schema.Method m : s.methods().values()) {
            Map<String, Object> mj = new LinkedHashMap<>();
            mj.put("name", m.name());
            mj.put("params", fields(m.params()));
            mj.put("result", m.result());
            mj.put("throws", new ArrayList<>(m.exceptions()));
            mj.put("requires", c.requires.get(m.name()));
            methods.add(mj);
        }
        o.put("methods", methods);
        o.put("state", s.state());
        o.put("events", s.events());
        List<Object> types = new ArrayList<>();
        for (Schema.Type t : s.types().values()) {
            Map<String, Object> tj = new LinkedHashMap<>();
            tj.put("kind", t.kind());
            tj.put("name", t.name());
            switch (t) {
                case Schema.Record r -> tj.put("components", fields(r.components()));
                case Schema.Enum e -> tj.put("constants", new ArrayList<Object>(e.constants()));
                case Schema.Sealed sl -> {
                    List<Object> cases = new ArrayList<>();
                    for (int i = 0; i < sl.subtypes().size(); i++) {
                        Map<String, Object> cj = new LinkedHashMap<>();
                        cj.put("$type", c.json.caseNames(sl.name()).get(i));
                        cj.put("type", sl.subtypes().get(i));
                        cases.add(cj);
                    }
                    tj.put("cases", cases);
                }
            }
            types.add(tj);
        }
        o.put("types", types);
        return o;
    }

    private static List<Object> fields(List<Schema.Field> fields) {
        List<Object> l = new ArrayList<>();
        for (Schema.Field f : fields) {
            Map<String, Object> fj = new LinkedHashMap<>();
            fj.put("name", f.name());
            fj.put("type", f.type());
            l.add(fj);
        }
        return l;
    }
}
