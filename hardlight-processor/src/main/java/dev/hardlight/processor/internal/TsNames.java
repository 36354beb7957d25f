package dev.hardlight.processor.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names and literals in generated TypeScript. An instance allocates the module's top-level names, so
 * no two declarations of a module collide and none shadows what the module uses. Not thread-safe.
 */
final class TsNames {
    /** Words no generated identifier may be: JavaScript's reserved words, TypeScript's type keywords, and the globals the module uses. */
    static final Set<String> RESERVED = Set.of(
            "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
            "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
            "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
            "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
            "public", "await", "async", "arguments", "eval", "undefined", "NaN", "Infinity", "of", "get", "set",
            "any", "boolean", "number", "string", "symbol", "bigint", "object", "never", "unknown", "type",
            "namespace", "module", "declare", "abstract", "as", "asserts", "infer", "is", "keyof", "readonly",
            "require", "unique", "global", "satisfies", "accessor", "out", "override", "constructor",
            "Map", "Set", "Array", "Uint8Array", "ReadonlyMap", "Promise", "Error", "TypeError", "Object", "String",
            "Number", "Boolean", "BigInt", "Symbol", "AsyncIterableIterator", "hl");

    /** Names a generated client class must not give a remote method: its own members and those of every object. */
    static final Set<String> CLIENT_MEMBERS = Set.of(
            "client", "state", "onState", "events", "onEvent", "close", "connect", "constructor", "then",
            "toString", "toLocaleString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
            "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private final Set<String> taken = new HashSet<>(RESERVED);

    /** {@code base} made an identifier, or it followed by 2, 3... until it is free; then taken. */
    String allocate(String base) {
        String ident = identifier(base);
        String name = ident;
        for (int i = 2; taken.contains(name); i++) {
            name = ident + i;
        }
        taken.add(name);
        return name;
    }

    /** Whether {@code name} is reserved or already allocated. */
    boolean isTaken(String name) {
        return taken.contains(name);
    }

    /**
     * A name for a local variable or parameter made from the Java name {@code name}: an identifier that
     * is no reserved word, no top-level name of the module, not in {@code others}, and never starts with
     * {@code $} (the prefix of the module's internal constants).
     */
    String local(String name, Collection<String> others) {
        String n = identifier(name);
        if (n.startsWith("$")) {
            n = "_" + n;
        }
        while (taken.contains(n) || others.contains(n)) {
            n += "_";
        }
        return n;
    }

    /** {@code name} with every character that cannot be in an ASCII identifier as '_', and not starting with a digit. */
    static String identifier(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$';
            sb.append(ok ? c : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, '_');
        }
        return sb.toString();
    }

    /** Whether {@code name} can be written as a property name without quotes. */
    static boolean plainProperty(String name) {
        return IDENTIFIER.matcher(name).matches();
    }

    /** A property key in an interface or object literal: {@code name} or {@code 'name'}. */
    static String key(String name) {
        return plainProperty(name) ? name : literal(name);
    }

    /** A property access: {@code .name} or {@code ['name']}. */
    static String access(String name) {
        return plainProperty(name) ? "." + name : "[" + literal(name) + "]";
    }

    /** A single-quoted string literal; non-ASCII and control characters escaped, so the module is ASCII. */
    static String literal(String s) {
        return JavaNames.quoted(s, '\'');
    }

    /** A JavaScript number literal of exactly {@code d}. */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d).replace('E', 'e');
    }

    /** {@code name} with its first letter lower case. */
    static String lowerFirst(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
