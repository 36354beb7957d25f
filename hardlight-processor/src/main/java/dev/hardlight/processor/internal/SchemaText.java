package dev.hardlight.processor.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The canonical schema text of a contract and the hashes computed from it, as specified in
 * {@code docs/protocol.md} section 6: a service line, a state line when the service has a connection state,
 * an events line when it has an event type, one line per method in id order (its signature line, then
 * {@code " requires <feature>"} when it has {@code @Requires}), then one line per type crossing the wire,
 * sorted by canonical name. Every line ends with {@code \n}; the text is hashed as UTF-8.
 */
public final class SchemaText {
    private SchemaText() {}

    /** The whole schema text of {@code model}. */
    public static String of(ServiceModel model) {
        StringBuilder sb = new StringBuilder("service ").append(model.serviceName()).append('\n');
        if (model.state() != null) {
            sb.append("state ").append(model.state()).append('\n');
        }
        if (model.events() != null) {
            sb.append("events ").append(model.events()).append('\n');
        }
        for (ServiceModel.Method m : model.methods()) {
            sb.append(schemaLine(m)).append('\n');
        }
        for (TypeDef def : model.types().values()) {
            sb.append(def.schemaLine()).append('\n');
        }
        return sb.toString();
    }

    /** A method's signature text: its method line, then the lines of every type it reaches, sorted by name. */
    public static String signature(ServiceModel model, ServiceModel.Method method) {
        Set<String> reached = new TreeSet<>();
        for (TypeDef.Component p : method.params()) {
            reach(p.type(), model.types(), reached);
        }
        if (method.result() != null) {
            reach(method.result().type(), model.types(), reached);
        }
        StringBuilder sb = new StringBuilder(methodLine(method)).append('\n');
        for (String name : reached) {
            sb.append(model.types().get(name).schemaLine()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The connection state's schema text: the state record's definition line, then the lines of every
     * other type it reaches, sorted by name. {@code null} when the service has no state.
     */
    public static String state(ServiceModel model) {
        return model.state() == null ? null : rooted(model, model.stateDef());
    }

    /**
     * The event type's schema text: the event type's definition line, then the lines of every other
     * type it reaches, sorted by name. {@code null} when the service has no event type.
     */
    public static String events(ServiceModel model) {
        return model.events() == null ? null : rooted(model, model.eventsDef());
    }

    /** {@code def}'s line, then the lines of every other type it reaches, sorted by name. */
    private static String rooted(ServiceModel model, TypeDef def) {
        Set<String> reached = new TreeSet<>();
        reach(def.wireType(), model.types(), reached);
        reached.remove(def.name());
        StringBuilder sb = new StringBuilder(def.schemaLine()).append('\n');
        for (String name : reached) {
            sb.append(model.types().get(name).schemaLine()).append('\n');
        }
        return sb.toString();
    }

    /**
     * A method's line in the service's schema text: its {@link #methodLine}, then, for a method with
     * {@code @Requires}, {@code " requires <feature>"}. The feature is policy, not wire format: it is in the
     * service's fingerprint but not in the method's signature text, so not in its hash.
     */
    static String schemaLine(ServiceModel.Method m) {
        String line = methodLine(m);
        return m.requiredFeature() == null ? line : line + " requires " + m.requiredFeature();
    }

    /** {@code method name(p:type,...):result throws E1,E2}: the first line of a method's signature text. */
    static String methodLine(ServiceModel.Method m) {
        StringBuilder sb = new StringBuilder("method ").append(m.name()).append('(');
        for (int i = 0; i < m.params().size(); i++) {
            TypeDef.Component p = m.params().get(i);
            sb.append(i == 0 ? "" : ",").append(p.name()).append(':').append(p.schema());
        }
        sb.append("):").append(m.result() == null ? "void" : m.result().schema());
        if (!m.thrown().isEmpty()) {
            sb.append(" throws ").append(String.join(",", m.thrown()));
        }
        return sb.toString();
    }

    private static void reach(WireType type, Map<String, TypeDef> defs, Set<String> reached) {
        switch (type) {
            case WireType.Named n -> {
                if (reached.add(n.name())) {
                    switch (defs.get(n.name())) {
                        case TypeDef.RecordDef r -> r.components().forEach(c -> reach(c.type(), defs, reached));
                        case TypeDef.SealedDef s -> s.permitted().forEach(p -> reach(p, defs, reached));
                        case TypeDef.EnumDef e -> { }
                    }
                }
            }
            case WireType.Sequence s -> reach(s.element(), defs, reached);
            case WireType.MapOf m -> {
                reach(m.key(), defs, reached);
                reach(m.value(), defs, reached);
            }
            case WireType.OptionalOf o -> reach(o.element(), defs, reached);
            case WireType.Primitive p -> { }
            case WireType.Scalar s -> { }
            case WireType.PrimitiveArray a -> { }
        }
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The first 8 bytes, big-endian, of the SHA-256 of {@code text}: a method's signature hash. */
    public static long hash64(String text) {
        byte[] d = sha256(text);
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xFF);
        }
        return h;
    }
}
