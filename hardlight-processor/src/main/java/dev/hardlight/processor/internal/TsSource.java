package dev.hardlight.processor.internal;

/** TypeScript source text with two-space indentation and {@code \n} line ends. Not thread-safe. */
final class TsSource {
    private final StringBuilder text = new StringBuilder();
    private int indent;

    /** A line at the current indentation; an empty string gives an empty line. */
    TsSource line(String line) {
        if (!line.isEmpty()) {
            text.append("  ".repeat(indent)).append(line);
        }
        text.append('\n');
        return this;
    }

    /** {@code head {}, then one level deeper. */
    TsSource open(String head) {
        line(head + " {");
        indent++;
        return this;
    }

    /** One level back, then {@code tail} (e.g. <code>},</code>). */
    TsSource close(String tail) {
        indent--;
        return line(tail);
    }

    /** One level back, then <code>}</code>. */
    TsSource close() {
        return close("}");
    }

    /** One level deeper without a line. */
    TsSource indent() {
        indent++;
        return this;
    }

    /** One level back without a line. */
    TsSource outdent() {
        indent--;
        return this;
    }

    /** Appends text built elsewhere, as it is. */
    TsSource append(TsSource other) {
        text.append(other.text);
        return this;
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
