package dev.hardlight.cli;

import dev.hardlight.codec.Codec;
import dev.hardlight.codec.WireReader;
import dev.hardlight.codec.WireWriter;
import dev.hardlight.internal.schema.Schema;
import dev.hardlight.service.DeclaredError;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A contract known only from its schema text: a {@link ServiceDescriptor} whose codecs are
 * {@link WireJson}'s, so the ordinary client ({@code HardLight.connect}) calls its methods with JSON
 * values. Its fingerprint and hashes are computed from the text as docs/protocol.md section 6 says, so
 * a server with the same schema text sees an identical contract.
 */
final class DynamicContract {
    /** Stands for the service interface, which this tool does not have. */
    interface Dynamic {}

    final String text;
    final Schema schema;
    final WireJson json;
    final ServiceDescriptor<Dynamic> descriptor;
    /** The feature each method requires ({@code requires} in the schema line), by method name. */
    final Map<String, String> requires = new HashMap<>();
    private final Map<String, String> typeLines = new HashMap<>();
    private final Map<String, MethodDescriptor<Object>> methods = new LinkedHashMap<>();

    /** A server's checked exception, rebuilt on this side with the declared type's name. */
    static final class DeclaredException extends Exception {
        final String type;
        final int index;

        DeclaredException(String type, int index, String message) {
            super(message);
            this.type = type;
            this.index = index;
        }
    }

    /**
     * @throws IllegalArgumentException when the text is not a valid schema text (the line is named)
     */
    DynamicContract(String text) {
        this.text = text;
        this.schema = Schema.parse(text);
        this.json = new WireJson(schema);
        for (String line : text.split("\n")) {
            if (line.startsWith("method ")) {
                int r = line.indexOf(" requires ");
                if (r >= 0) {
                    String name = line.substring(7, line.indexOf('('));
                    requires.put(name, line.substring(r + 10));
                }
            } else if (line.startsWith("record ") || line.startsWith("enum ") || line.startsWith("sealed ")) {
                typeLines.put(schema.types().keySet().stream().filter(n -> line.startsWith(n + "(", line.indexOf(' ') + 1)
                        || line.startsWith(n + "{", line.indexOf(' ') + 1)).findFirst().orElseThrow(), line);
            }
        }
        for (Schema.Type t : schema.types().values()) {
            checkTypes(t);
        }
        List<MethodDescriptor<?>> list = new ArrayList<>();
        int id = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith("method ")) {
                continue;
            }
            String name = line.substring(7, line.indexOf('('));
            Schema.Method m = schema.methods().get(name);
            for (Schema.Field p : m.params()) {
                check(p.type(), "parameter " + p.name() + " of " + name);
            }
            if (!m.result().equals("void")) {
                check(m.result(), "the result of " + name);
            }
            List<DeclaredError> errors = new ArrayList<>();
            for (int i = 0; i < m.exceptions().size(); i++) {
                String type = m.exceptions().get(i);
                int index = i;
                errors.add(new DeclaredError(DeclaredException.class, msg -> new DeclaredException(type, index, msg)));
            }
            String methodLine = line.contains(" requires ") ? line.substring(0, line.indexOf(" requires ")) : line;
            TreeSet<String> reached = new TreeSet<>();
            for (Schema.Field p : m.params()) {
                reach(p.type(), reached);
            }
            reach(m.result(), reached);
            MethodDescriptor<Object> d = new MethodDescriptor<>(id++, name, hash8(methodLine, reached, null),
                    resultCodec(m.result()), errors, requires.get(name), false, false);
            list.add(d);
            methods.put(name, d);
        }
        StateCodec<?> state = schema.state() == null ? null : new JsonState(schema.state());
        EventDescriptor<?> events = null;
        if (schema.events() != null) {
            String e = schema.events();
            TreeSet<String> reached = new TreeSet<>();
            reach(e, reached);
            events = new EventDescriptor<>(Object.class, valueCodec(e), hash8(typeLines.get(e), reached, e));
        }
        descriptor = new ServiceDescriptor<>(Dynamic.class, schema.service(), sha256(text), text, list,
                (handler, methodId, args, result) -> {
                    throw new UnsupportedOperationException("the command line serves nothing");
                }, state, events);
    }

    private void checkTypes(Schema.Type t) {
        switch (t) {
            case Schema.Record r -> r.components().forEach(c -> check(c.type(), "component " + c.name() + " of " + r.name()));
            case Schema.Sealed s -> s.subtypes().forEach(sub -> check(sub, "a subtype of " + s.name()));
            case Schema.Enum e -> { }
        }
    }

    private void check(String type, String where) {
        if (!json.isType(type)) {
            throw new IllegalArgumentException("schema: " + where + " has type " + type + ", which the schema does not define");
        }
    }

    MethodDescriptor<Object> method(String name) {
        return methods.get(name);
    }

    List<String> methodNames() {
        return List.copyOf(methods.keySet());
    }

    Codec<Object> valueCodec(String type) {
        return new Codec<>() {
            @Override
            public void encode(Object value, WireWriter out) {
                json.write(type, value, out, "$");
            }

            @Override
            public Object decode(WireReader in) {
                return json.read(type, in);
            }
        };
    }

    private Codec<Object> resultCodec(String type) {
        if (type.equals("void")) {
            return new Codec<>() {
                @Override
                public void encode(Object value, WireWriter out) {}

                @Override
                public Object decode(WireReader in) {
                    return null;
                }
            };
        }
        return valueCodec(type);
    }

    /** Adds every named type {@code type} reaches, transitively. */
    private void reach(String type, TreeSet<String> reached) {
        for (String token : type.split("[<>,?]")) {
            if (token.isEmpty() || !schema.types().containsKey(token) || !reached.add(token)) {
                continue;
            }
            switch (schema.types().get(token)) {
                case Schema.Record r -> r.components().forEach(c -> reach(c.type(), reached));
                case Schema.Sealed s -> s.subtypes().forEach(sub -> reach(sub, reached));
                case Schema.Enum e -> { }
            }
        }
    }

    /** First 8 bytes of the SHA-256 of {@code first} and the reached types' lines (sorted by name), {@code self} left out. */
    private long hash8(String first, TreeSet<String> reached, String self) {
        StringBuilder b = new StringBuilder(first).append('\n');
        for (String name : reached) {
            if (!name.equals(self)) {
                b.append(typeLines.get(name)).append('\n');
            }
        }
        byte[] d = sha256(b.toString());
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xFF);
        }
        return h;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connection state as a JSON object, component by component. */
    private final class JsonState implements StateCodec<Object> {
        private final Schema.Record record;
        private final long hash;

        JsonState(String name) {
            this.record = (Schema.Record) schema.types().get(name);
            TreeSet<String> reached = new TreeSet<>();
            reach(name, reached);
            this.hash = hash8(typeLines.get(name), reached, name);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Class<Object> type() {
            return (Class) Dynamic.class;
        }

        @Override
        public Object initial() {
            return json.zero(record.name());
        }

        @Override
        public long schemaHash() {
            return hash;
        }

        @Override
        public int fieldCount() {
            return record.components().size();
        }

        @Override
        public String fieldName(int index) {
            return record.components().get(index).name();
        }

        @Override
        public boolean fieldEquals(Object a, Object b, int index) {
            return Objects.equals(((Map<?, ?>) a).get(fieldName(index)), ((Map<?, ?>) b).get(fieldName(index)));
        }

        @Override
        public void encodeField(Object value, int index, WireWriter out) {
            Schema.Field f = record.components().get(index);
            json.write(f.type(), ((Map<?, ?>) value).get(f.name()), out, f.name());
        }

        @Override
        public Object applyDelta(Object base, int count, WireReader in) {
            Map<String, Object> next = new LinkedHashMap<>();
            ((Map<?, ?>) base).forEach((k, v) -> next.put((String) k, v));
            int previous = -1;
            for (int i = 0; i < count; i++) {
                int field = in.readVarInt();
                if (field <= previous) {
                    throw WireReader.malformed("field index " + field + " not increasing");
                }
                if (field >= fieldCount()) {
                    in.skipRemaining();
                    break;
                }
                previous = field;
                Schema.Field f = record.components().get(field);
                next.put(f.name(), json.read(f.type(), in));
            }
            return Collections.unmodifiableMap(next);
        }

        @Override
        public Object decode(WireReader in) {
            return json.read(record.name(), in);
        }
    }
}
