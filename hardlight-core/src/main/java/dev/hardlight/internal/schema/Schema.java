package dev.hardlight.internal.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed canonical schema text ({@code docs/protocol.md} section 6.1): the service's name, state and
 * event types, its methods and the definitions of every type crossing the wire. Used to compare two
 * contracts ({@link Compatibility}): by the client against the server's HELLO, and by the processor
 * against a baseline schema file. Immutable.
 *
 * @param service the service name
 * @param state the state record's name, or {@code null}
 * @param events the event type's name, or {@code null}
 * @param methods the methods by name, in id order
 * @param types the record, enum and sealed definitions by name
 */
public record Schema(String service, String state, String events, Map<String, Method> methods,
                     Map<String, Type> types) {

    public Schema {
        methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /** A method: parameters in order, the result type ({@code void} for none), declared exceptions in order. */
    public record Method(String name, List<Field> params, String result, List<String> exceptions) {
        public Method {
            params = List.copyOf(params);
            exceptions = List.copyOf(exceptions);
        }
    }

    /** A parameter or record component: {@code name:type}. */
    public record Field(String name, String type) {
        @Override
        public String toString() {
            return name + ":" + type;
        }
    }

    /** A definition of a named type. */
    public sealed interface Type {
        /** The canonical name. */
        String name();

        /** "record", "enum" or "sealed", as in the schema line. */
        String kind();
    }

    /** {@code record Name(c:t,...)}. */
    public record Record(String name, List<Field> components) implements Type {
        public Record {
            components = List.copyOf(components);
        }

        @Override
        public String kind() {
            return "record";
        }
    }

    /** {@code enum Name{A,B}}. */
    public record Enum(String name, List<String> constants) implements Type {
        public Enum {
            constants = List.copyOf(constants);
        }

        @Override
        public String kind() {
            return "enum";
        }
    }

    /** {@code sealed Name{X,Y}}: the permitted subtypes' names in tag order. */
    public record Sealed(String name, List<String> subtypes) implements Type {
        public Sealed {
            subtypes = List.copyOf(subtypes);
        }

        @Override
        public String kind() {
            return "sealed";
        }
    }

    /**
     * Parses a schema text.
     *
     * @throws IllegalArgumentException naming the line that is not valid schema text
     */
    public static Schema parse(String text) {
        String service = null;
        String state = null;
        String events = null;
        Map<String, Method> methods = new LinkedHashMap<>();
        Map<String, Type> types = new LinkedHashMap<>();
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                int space = line.indexOf(' ');
                if (space < 0) {
                    throw new IllegalArgumentException("no keyword");
                }
                String rest = line.substring(space + 1);
                switch (line.substring(0, space)) {
                    case "service" -> service = rest;
                    case "state" -> state = rest;
                    case "events" -> events = rest;
                    case "method" -> {
                        Method m = method(rest);
                        methods.put(m.name(), m);
                    }
                    case "record" -> {
                        int open = rest.indexOf('(');
                        expect(open > 0 && rest.endsWith(")"), "record Name(...)");
                        String name = rest.substring(0, open);
                        types.put(name, new Record(name, fields(rest.substring(open + 1, rest.length() - 1))));
                    }
                    case "enum", "sealed" -> {
                        int open = rest.indexOf('{');
                        expect(open > 0 && rest.endsWith("}"), "Name{...}");
                        String name = rest.substring(0, open);
                        String inner = rest.substring(open + 1, rest.length() - 1);
                        List<String> items = inner.isEmpty() ? List.of() : List.of(inner.split(","));
                        types.put(name, line.startsWith("enum") ? new Enum(name, items) : new Sealed(name, items));
                    }
                    default -> throw new IllegalArgumentException("unknown keyword");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("schema line " + number + " '" + line + "': " + e.getMessage(), e);
            }
        }
        if (service == null) {
            throw new IllegalArgumentException("schema has no service line");
        }
        return new Schema(service, state, events, methods, types);
    }

    private static Method method(String rest) {
        int requires = rest.indexOf(" requires ");
        if (requires >= 0) {
            rest = rest.substring(0, requires);
        }
        List<String> exceptions = List.of();
        int throwsAt = rest.indexOf(" throws ");
        if (throwsAt >= 0) {
            exceptions = List.of(rest.substring(throwsAt + 8).split(","));
            rest = rest.substring(0, throwsAt);
        }
        int open = rest.indexOf('(');
        int close = rest.indexOf("):", open);
        expect(open > 0 && close > 0, "method name(...):result");
        return new Method(rest.substring(0, open), fields(rest.substring(open + 1, close)), rest.substring(close + 2),
                exceptions);
    }

    private static List<Field> fields(String list) {
        List<Field> fields = new ArrayList<>();
        for (String item : splitTopLevel(list)) {
            int colon = item.indexOf(':');
            expect(colon > 0 && colon < item.length() - 1, "name:type");
            fields.add(new Field(item.substring(0, colon), item.substring(colon + 1)));
        }
        return fields;
    }

    /** Splits at the commas outside {@code <...>}; an empty text has no items. */
    static List<String> splitTopLevel(String list) {
        List<String> items = new ArrayList<>();
        if (list.isEmpty()) {
            return items;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                items.add(list.substring(start, i));
                start = i + 1;
            }
        }
        items.add(list.substring(start));
        return items;
    }

    private static void expect(boolean condition, String form) {
        if (!condition) {
            throw new IllegalArgumentException("expected " + form);
        }
    }
}
