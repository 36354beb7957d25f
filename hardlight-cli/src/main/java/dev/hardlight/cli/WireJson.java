package dev.hardlight.cli;

import dev.hardlight.Topic;
import dev.hardlight.codec.WireReader;
import dev.hardlight.codec.WireWriter;
import dev.hardlight.internal.schema.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The canonical JSON form of HardLight values ({@code docs/json.md}), driven by a schema text alone:
 * encodes JSON values ({@link Json}'s model) to wire bytes and decodes wire bytes to JSON values, for
 * any type expression of the schema ({@code int}, {@code list<shop.Item>}, {@code shop.Color?}, ...).
 * Thread-safe (immutable after construction).
 */
final class WireJson {

    /** JSON that does not fit the type: the message names the path and the expected type. */
    static final class MismatchException extends IllegalArgumentException {
        MismatchException(String message) {
            super(message);
        }
    }

    private static final Set<String> BUILT_INS = Set.of("boolean", "byte", "short", "char", "int", "long", "float",
            "double", "string", "bytes", "instant", "duration", "uuid", "topic");

    private final Schema schema;
    /** For each sealed type: the {@code $type} name of each subtype, in tag order. */
    private final Map<String, List<String>> caseNames = new LinkedHashMap<>();

    WireJson(Schema schema) {
        this.schema = schema;
        for (Schema.Type t : schema.types().values()) {
            if (t instanceof Schema.Sealed s) {
                List<String> names = new ArrayList<>();
                for (String sub : s.subtypes()) {
                    String simple = simpleName(sub);
                    long same = s.subtypes().stream().filter(o -> simpleName(o).equals(simple)).count();
                    names.add(same > 1 ? sub : simple);
                }
                caseNames.put(s.name(), List.copyOf(names));
            }
        }
    }

    Schema schema() {
        return schema;
    }

    static String simpleName(String canonical) {
        return canonical.substring(canonical.lastIndexOf('.') + 1);
    }

    /** The {@code $type} names of a sealed type's subtypes, in tag order. */
    List<String> caseNames(String sealed) {
        return caseNames.get(sealed);
    }

    // ---- arguments ----

    /**
     * Encodes a call's arguments: {@code args} is a JSON array (the parameters in order) or an object
     * (by parameter name). A {@code T?} parameter may be left out (null); every other one is required.
     */
    void writeArguments(Schema.Method m, Object args, WireWriter out) {
        List<Schema.Field> params = m.params();
        Object[] values = new Object[params.size()];
        if (args instanceof List<?> list) {
            if (list.size() > params.size()) {
                throw new MismatchException(m.name() + " takes " + params.size() + " argument" + (params.size() == 1 ? "" : "s")
                        + " (" + signature(m) + "), got " + list.size());
            }
            for (int i = 0; i < list.size(); i++) {
                values[i] = list.get(i);
            }
            for (int i = list.size(); i < params.size(); i++) {
                requireOptional(m, params.get(i));
            }
        } else if (args instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                boolean known = params.stream().anyMatch(p -> p.name().equals(key));
                if (!known) {
                    throw new MismatchException(m.name() + " has no parameter '" + key + "'" + Suggest.hint(String.valueOf(key),
                            params.stream().map(Schema.Field::name).toList()) + " (" + signature(m) + ")");
                }
            }
            for (int i = 0; i < params.size(); i++) {
                Schema.Field p = params.get(i);
                if (map.containsKey(p.name())) {
                    values[i] = map.get(p.name());
                } else {
                    requireOptional(m, p);
                }
            }
        } else {
            throw new MismatchException("the arguments of " + m.name() + " must be a JSON array (in order) or an object "
                    + "(by parameter name), got " + got(args) + " (" + signature(m) + ")");
        }
        for (int i = 0; i < params.size(); i++) {
            write(params.get(i).type(), values[i], out, params.get(i).name());
        }
    }

    private static void requireOptional(Schema.Method m, Schema.Field p) {
        if (!p.type().endsWith("?")) {
            throw new MismatchException("missing argument '" + p.name() + "' (" + p.type() + ") of " + m.name() + " ("
                    + signature(m) + ")");
        }
    }

    static String signature(Schema.Method m) {
        StringBuilder b = new StringBuilder(m.name()).append('(');
        for (int i = 0; i < m.params().size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(m.params().get(i).name()).append(": ").append(m.params().get(i).type());
        }
        return b.append("): ").append(m.result()).toString();
    }

    // ---- encoding ----

    /** Encodes {@code json} as a value of {@code type}; {@code path} names it in errors. */
    void write(String type, Object json, WireWriter out, String path) {
        if (type.endsWith("?")) {
            out.writePresence(json != null);
            if (json != null) {
                write(type.substring(0, type.length() - 1), json, out, path);
            }
            return;
        }
        if (json == null) {
            throw mismatch(path, type, json, "null is allowed only for optional types (T?)");
        }
        switch (type) {
            case "boolean" -> {
                if (!(json instanceof Boolean b)) {
                    throw mismatch(path, type, json, null);
                }
                out.writeBoolean(b);
            }
            case "byte" -> out.writeByte((byte) integer(json, path, type, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case "short" -> out.writeShort((short) integer(json, path, type, Short.MIN_VALUE, Short.MAX_VALUE));
            case "int" -> out.writeInt((int) integer(json, path, type, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "long" -> out.writeLong(integer(json instanceof String s ? parseLong(s, path) : json, path, type,
                    Long.MIN_VALUE, Long.MAX_VALUE));
            case "char" -> {
                if (!(json instanceof String s) || s.length() != 1) {
                    throw mismatch(path, type, json, "a string of exactly one UTF-16 code unit");
                }
                out.writeChar(s.charAt(0));
            }
            case "float" -> out.writeFloat((float) floating(json, path, type));
            case "double" -> out.writeDouble(floating(json, path, type));
            case "string" -> out.writeString(string(json, path, type));
            case "bytes" -> out.writeBytes(base64(json, path, type));
            case "instant" -> {
                String s = string(json, path, type);
                try {
                    out.writeInstant(Instant.parse(s));
                } catch (DateTimeParseException e) {
                    throw mismatch(path, type, json, "an RFC 3339 time such as \"2026-11-24T08:30:00.123456789Z\"");
                }
            }
            case "duration" -> {
                String s = string(json, path, type);
                try {
                    out.writeDuration(Duration.parse(s));
                } catch (DateTimeParseException e) {
                    throw mismatch(path, type, json, "an ISO-8601 duration such as \"PT1.5S\" or \"PT-0.25S\"");
                }
            }
            case "uuid" -> {
                String s = string(json, path, type);
                if (!s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
                    throw mismatch(path, type, json, "a UUID such as \"123e4567-e89b-12d3-a456-426614174000\"");
                }
                out.writeUuid(UUID.fromString(s));
            }
            case "topic" -> {
                byte[] bytes;
                if (json instanceof String s) {
                    bytes = s.getBytes(StandardCharsets.UTF_8);
                } else if (json instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("$base64")) {
                    bytes = base64(m.get("$base64"), path + ".$base64", "bytes");
                } else {
                    throw mismatch(path, type, json, "a string (its UTF-8 bytes) or {\"$base64\": \"...\"}");
                }
                if (bytes.length > Topic.MAX_LENGTH) {
                    throw mismatch(path, type, json, "at most " + Topic.MAX_LENGTH + " bytes");
                }
                out.writeTopic(Topic.of(bytes));
            }
            default -> writeComposite(type, json, out, path);
        }
    }

    private void writeComposite(String type, Object json, WireWriter out, String path) {
        if (type.startsWith("list<") || type.startsWith("set<")) {
            String element = type.substring(type.indexOf('<') + 1, type.length() - 1);
            if (!(json instanceof List<?> list)) {
                throw mismatch(path, type, json, null);
            }
            if (type.startsWith("set<") && new HashSet<>(list).size() != list.size()) {
                throw mismatch(path, type, json, "no repeated elements");
            }
            out.writeCount(list.size());
            for (int i = 0; i < list.size(); i++) {
                write(element, list.get(i), out, path + "[" + i + "]");
            }
            return;
        }
        if (type.startsWith("map<")) {
            String[] kv = mapTypes(type);
            if (kv[0].equals("string")) {
                if (!(json instanceof Map<?, ?> m)) {
                    throw mismatch(path, type, json, null);
                }
                out.writeCount(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.writeString((String) e.getKey());
                    write(kv[1], e.getValue(), out, path + "[" + Json.print(e.getKey()) + "]");
                }
                return;
            }
            if (!(json instanceof List<?> pairs)) {
                throw mismatch(path, type, json, null);
            }
            Set<Object> keys = new HashSet<>();
            out.writeCount(pairs.size());
            for (int i = 0; i < pairs.size(); i++) {
                if (!(pairs.get(i) instanceof List<?> pair) || pair.size() != 2) {
                    throw mismatch(path + "[" + i + "]", "[" + kv[0] + ", " + kv[1] + "]", pairs.get(i), "a [key, value] pair");
                }
                if (!keys.add(pair.get(0))) {
                    throw mismatch(path + "[" + i + "][0]", kv[0], pair.get(0), "no repeated keys");
                }
                write(kv[0], pair.get(0), out, path + "[" + i + "][0]");
                write(kv[1], pair.get(1), out, path + "[" + i + "][1]");
            }
            return;
        }
        Schema.Type t = schema.types().get(type);
        if (t == null) {
            throw new IllegalStateException("type " + type + " is not defined in the schema");
        }
        switch (t) {
            case Schema.Record r -> {
                int start = out.beginRecord();
                writeComponents(r, json, out, path, false);
                out.endRecord(start);
            }
            case Schema.Enum e -> out.writeVarInt(constant(e, json, path));
            case Schema.Sealed s -> writeSealed(s, json, out, path);
        }
    }

    private void writeComponents(Schema.Record r, Object json, WireWriter out, String path, boolean inSealed) {
        if (!(json instanceof Map<?, ?> m)) {
            throw mismatch(path, r.name(), json, "an object with " + fieldList(r.components()));
        }
        List<String> names = r.components().stream().map(Schema.Field::name).toList();
        for (Object key : m.keySet()) {
            if (!names.contains(key) && !(inSealed && "$type".equals(key))) {
                throw new MismatchException("at " + path + ": record " + r.name() + " has no component '" + key + "'"
                        + Suggest.hint(String.valueOf(key), names) + " (it has " + fieldList(r.components()) + ")");
            }
        }
        for (Schema.Field c : r.components()) {
            if (!m.containsKey(c.name()) && !c.type().endsWith("?")) {
                throw new MismatchException("at " + path + ": missing component '" + c.name() + "' (" + c.type()
                        + ") of record " + r.name());
            }
            write(c.type(), m.get(c.name()), out, path + "." + c.name());
        }
    }

    private static String fieldList(List<Schema.Field> fields) {
        if (fields.isEmpty()) {
            return "no components";
        }
        StringBuilder b = new StringBuilder();
        for (Schema.Field f : fields) {
            b.append(b.isEmpty() ? "" : ", ").append(f.name()).append(": ").append(f.type());
        }
        return b.toString();
    }

    private int constant(Schema.Enum e, Object json, String path) {
        if (json instanceof String s) {
            int i = e.constants().indexOf(s);
            if (i >= 0) {
                return i;
            }
            throw new MismatchException("at " + path + ": enum " + e.name() + " has no constant \"" + s + "\""
                    + Suggest.hint(s, e.constants()) + " (it has " + String.join(", ", e.constants()) + ")");
        }
        throw mismatch(path, e.name(), json, "one of " + String.join(", ", e.constants()));
    }

    private void writeSealed(Schema.Sealed s, Object json, WireWriter out, String path) {
        List<String> cases = caseNames.get(s.name());
        if (!(json instanceof Map<?, ?> m) || !(m.get("$type") instanceof String name)) {
            throw mismatch(path, s.name(), json, "an object with \"$type\": one of " + String.join(", ", cases));
        }
        int tag = cases.indexOf(name);
        if (tag < 0) {
            tag = s.subtypes().indexOf(name);
        }
        if (tag < 0) {
            throw new MismatchException("at " + path + ".$type: sealed " + s.name() + " has no case \"" + name + "\""
                    + Suggest.hint(name, cases) + " (it has " + String.join(", ", cases) + ")");
        }
        out.writeVarInt(tag);
        int start = out.beginRecord();
        writeContent(s.subtypes().get(tag), m, out, path);
        out.endRecord(start);
    }

    /** A sealed case's content: a record's components, or an enum's or sealed type's {@code value}. */
    private void writeContent(String subtype, Map<?, ?> m, WireWriter out, String path) {
        Schema.Type t = schema.types().get(subtype);
        if (t instanceof Schema.Record r) {
            writeComponents(r, m, out, path, true);
            return;
        }
        for (Object key : m.keySet()) {
            if (!"$type".equals(key) && !"value".equals(key)) {
                throw new MismatchException("at " + path + ": the case " + subtype + " has only \"$type\" and \"value\", not '"
                        + key + "'");
            }
        }
        if (!m.containsKey("value")) {
            throw new MismatchException("at " + path + ": missing \"value\" of the case " + subtype);
        }
        Object v = m.get("value");
        if (t instanceof Schema.Enum e) {
            out.writeVarInt(constant(e, v, path + ".value"));
        } else if (t instanceof Schema.Sealed inner) {
            writeSealed(inner, v, out, path + ".value");
        }
    }

    private static long integer(Object json, String path, String type, long min, long max) {
        if (json instanceof BigDecimal d) {
            try {
                BigInteger i = d.toBigIntegerExact();
                if (i.compareTo(BigInteger.valueOf(min)) >= 0 && i.compareTo(BigInteger.valueOf(max)) <= 0) {
                    return i.longValue();
                }
            } catch (ArithmeticException e) {
                throw mismatch(path, type, json, "a whole number");
            }
        } else if (json instanceof Number n && !(json instanceof Double) && !(json instanceof Float)) {
            long v = n.longValue();
            if (v >= min && v <= max) {
                return v;
            }
        }
        throw mismatch(path, type, json, "a whole number from " + min + " to " + max
                + (type.equals("long") ? " (a number, or a string of decimal digits)" : ""));
    }

    private static Object parseLong(String s, String path) {
        try {
            return BigDecimal.valueOf(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw mismatch(path, "long", s, "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                    + " (a number, or a string of decimal digits)");
        }
    }

    private static double floating(Object json, String path, String type) {
        if (json instanceof Number n) {
            return n.doubleValue();
        }
        if (json instanceof String s) {
            switch (s) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> { }
            }
        }
        throw mismatch(path, type, json, "a number, or \"NaN\", \"Infinity\", \"-Infinity\"");
    }

    private static String string(Object json, String path, String type) {
        if (json instanceof String s) {
            return s;
        }
        throw mismatch(path, type, json, null);
    }

    private static byte[] base64(Object json, String path, String type) {
        if (json instanceof String s) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                // below
            }
        }
        throw mismatch(path, type, json, "a base64 string (RFC 4648, with padding)");
    }

    private static MismatchException mismatch(String path, String type, Object json, String detail) {
        return new MismatchException("at " + path + ": expected " + type + (detail == null ? "" : " (" + detail + ")")
                + ", got " + got(json));
    }

    static String got(Object json) {
        String kind = json == null ? "null" : json instanceof Boolean ? "a boolean" : json instanceof String ? "a string"
                : json instanceof Number ? "a number" : json instanceof List<?> ? "an array" : "an object";
        if (json == null) {
            return kind;
        }
        String text = Json.print(json);
        return kind + " " + (text.length() > 40 ? text.substring(0, 37) + "..." : text);
    }

    static String[] mapTypes(String type) {
        String inner = type.substring(4, type.length() - 1);
        int depth = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return new String[] {inner.substring(0, i), inner.substring(i + 1)};
            }
        }
        throw new IllegalStateException("bad map type " + type);
    }

    // ---- decoding ----

    /** Decodes a value of {@code type}. */
    Object read(String type, WireReader in) {
        if (type.endsWith("?")) {
            return in.readPresence() ? read(type.substring(0, type.length() - 1), in) : null;
        }
        return switch (type) {
            case "boolean" -> in.readBoolean();
            case "byte" -> BigDecimal.valueOf(in.readByte());
            case "short" -> BigDecimal.valueOf(in.readShort());
            case "int" -> BigDecimal.valueOf(in.readInt());
            case "long" -> Long.toString(in.readLong());
            case "char" -> String.valueOf(in.readChar());
            case "float" -> floatJson(in.readFloat());
            case "double" -> doubleJson(in.readDouble());
            case "string" -> in.readString();
            case "bytes" -> Base64.getEncoder().encodeToString(in.readBytes());
            case "instant" -> instant(in.readInstant());
            case "duration" -> in.readDuration().toString();
            case "uuid" -> in.readUuid().toString();
            case "topic" -> topic(in.readTopic());
            default -> readComposite(type, in);
        };
    }

    private Object readComposite(String type, WireReader in) {
        if (type.startsWith("list<") || type.startsWith("set<")) {
            String element = type.substring(type.indexOf('<') + 1, type.length() - 1);
            int n = in.readCount();
            List<Object> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(read(element, in));
            }
            return items;
        }
        if (type.startsWith("map<")) {
            String[] kv = mapTypes(type);
            int n = in.readCount();
            if (kv[0].equals("string")) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String k = in.readString();
                    m.put(k, read(kv[1], in));
                }
                return m;
            }
            List<Object> pairs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object k = read(kv[0], in);
                pairs.add(Arrays.asList(k, read(kv[1], in)));
            }
            return pairs;
        }
        Schema.Type t = schema.types().get(type);
        if (t == null) {
            throw new IllegalStateException("type " + type + " is not defined in the schema");
        }
        return switch (t) {
            case Schema.Record r -> {
                int saved = in.beginRecord();
                Map<String, Object> m = new LinkedHashMap<>();
                readComponents(r, in, m);
                in.endRecord(saved);
                yield m;
            }
            case Schema.Enum e -> e.constants().get(in.readTag(e.constants().size(), e.name()));
            case Schema.Sealed s -> readSealed(s, in);
        };
    }

    private void readComponents(Schema.Record r, WireReader in, Map<String, Object> m) {
        for (Schema.Field c : r.components()) {
            m.put(c.name(), in.hasMore() ? read(c.type(), in) : zero(c.type()));
        }
    }

    private Object readSealed(Schema.Sealed s, WireReader in) {
        int tag = in.readTag(s.subtypes().size(), s.name());
        int saved = in.beginRecord();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("$type", caseNames.get(s.name()).get(tag));
        Schema.Type t = schema.types().get(s.subtypes().get(tag));
        switch (t) {
            case Schema.Record r -> readComponents(r, in, m);
            case Schema.Enum e -> m.put("value", e.constants().get(in.readTag(e.constants().size(), e.name())));
            case Schema.Sealed inner -> m.put("value", readSealed(inner, in));
        }
        in.endRecord(saved);
        return m;
    }

    /** The JSON of a type's zero value (docs/protocol.md section 6.4), for components an older peer did not send. */
    Object zero(String type) {
        if (type.endsWith("?")) {
            return null;
        }
        switch (type) {
            case "boolean":
                return false;
            case "byte", "short", "int":
                return BigDecimal.ZERO;
            case "long":
                return "0";
            case "char":
                return "\0";
            case "float", "double":
                return BigDecimal.ZERO;
            case "string", "bytes", "topic":
                return "";
            case "instant":
                return instant(Instant.EPOCH);
            case "duration":
                return Duration.ZERO.toString();
            case "uuid":
                return new UUID(0, 0).toString();
            default:
                break;
        }
        if (type.startsWith("list<") || type.startsWith("set<")) {
            return List.of();
        }
        if (type.startsWith("map<")) {
            return mapTypes(type)[0].equals("string") ? Map.of() : List.of();
        }
        Schema.Type t = schema.types().get(type);
        return switch (t) {
            case Schema.Record r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                r.components().forEach(c -> m.put(c.name(), zero(c.type())));
                yield m;
            }
            case Schema.Enum e -> e.constants().isEmpty() ? null : e.constants().get(0);
            case Schema.Sealed s -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("$type", caseNames.get(s.name()).get(0));
                Object inner = zero(s.subtypes().get(0));
                if (inner instanceof Map<?, ?> fields && schema.types().get(s.subtypes().get(0)) instanceof Schema.Record) {
                    fields.forEach((k, v) -> m.put(String.valueOf(k), v));
                } else {
                    m.put("value", inner);
                }
                yield m;
            }
        };
    }

    private static Object floatJson(float f) {
        if (Float.isNaN(f)) {
            return "NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Infinity" : "-Infinity";
        }
        return f == 0 && 1 / f < 0 ? new RawNumber("-0.0") : new BigDecimal(Float.toString(f));
    }

    private static Object doubleJson(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return d == 0 && 1 / d < 0 ? new RawNumber("-0.0") : new BigDecimal(Double.toString(d));
    }

    /** A number printed as written (negative zero, which {@link BigDecimal} cannot hold). */
    record RawNumber(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** RFC 3339 in UTC with 9 fraction digits when the instant has nanoseconds, else none. */
    static String instant(Instant i) {
        String s = i.toString();
        if (i.getNano() == 0) {
            return s;
        }
        int dot = s.lastIndexOf('.');
        String frac = s.substring(dot + 1, s.length() - 1);
        return s.substring(0, dot + 1) + (frac + "000000000").substring(0, 9) + "Z";
    }

    static Object topic(Topic t) {
        byte[] b = t.toBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("$base64", Base64.getEncoder().encodeToString(b));
            return m;
        }
    }

    /** Whether {@code type} is a valid type expression of this schema. */
    boolean isType(String type) {
        if (type.endsWith("?")) {
            return isType(type.substring(0, type.length() - 1));
        }
        if (BUILT_INS.contains(type)) {
            return true;
        }
        if (type.startsWith("list<") || type.startsWith("set<")) {
            return isType(type.substring(type.indexOf('<') + 1, type.length() - 1));
        }
        if (type.startsWith("map<")) {
            String[] kv = mapTypes(type);
            return isType(kv[0]) && isType(kv[1]);
        }
        return schema.types().containsKey(type);
    }
}
