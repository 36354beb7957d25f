package dev.hardlight.processor.internal;

import java.util.Collection;
import java.util.Locale;

/** Names and literals in generated Java source. */
final class JavaNames {
    /** The value of every generated class's {@code @Generated}. */
    static final String GENERATOR = "dev.hardlight.processor.RpcProcessor";
    static final String GENERATED = "@javax.annotation.processing.Generated(\"" + GENERATOR + "\")";

    private JavaNames() {}

    /** {@code incrementBy} → {@code INCREMENT_BY}; {@code HTTPServer} → {@code HTTP_SERVER}. */
    static String upperSnake(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && name.charAt(i - 1) != '_') {
                char before = name.charAt(i - 1);
                boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (Character.isLowerCase(before) || Character.isDigit(before)
                        || Character.isUpperCase(before) && nextLower) {
                    sb.append('_');
                }
            }
            sb.append(c);
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /** {@code name}, or it followed by as many '_' as it takes not to be in {@code taken}. */
    static String unique(String name, Collection<String> taken) {
        String n = name;
        while (taken.contains(n)) {
            n += "_";
        }
        return n;
    }

    /** A Java string literal; non-ASCII characters escaped so the source is ASCII whatever its encoding. */
    static String literal(String s) {
        return quoted(s, '"');
    }

    /**
     * {@code s} between {@code quote}s with the escapes Java and JavaScript share (backslash, newline,
     * carriage return, tab, the quote, and a four-digit unicode escape for other control and non-ASCII
     * characters): the literal of either language, ASCII only.
     */
    static String quoted(String s, char quote) {
        StringBuilder sb = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote) {
                sb.append('\\').append(quote);
                continue;
            }
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(quote).toString();
    }

    /** The first segment of a qualified name: the identifier a local variable could shadow. */
    static String root(String qualifiedName) {
        int dot = qualifiedName.indexOf('.');
        return dot < 0 ? qualifiedName : qualifiedName.substring(0, dot);
    }
}
