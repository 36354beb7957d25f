package dev.hardlight.processor.internal;

/** Java source text with four-space indentation and {@code \n} line ends. Not thread-safe. */
final class SourceBuilder {
    private final StringBuilder text = new StringBuilder();
    private int indent;

    /** A line at the current indentation; an empty string gives an empty line. */
    SourceBuilder line(String line) {
        if (!line.isEmpty()) {
            text.append("    ".repeat(indent)).append(line);
        }
        text.append('\n');
        return this;
    }

    /** {@code head {}, then one level deeper. */
    SourceBuilder open(String head) {
        line(head + " {");
        indent++;
        return this;
    }

    /** One level back, then {@code }}. */
    SourceBuilder close() {
        return close("}");
    }

    /** One level back, then {@code tail} (e.g. <code>});</code>). */
    SourceBuilder close(String tail) {
        indent--;
        return line(tail);
    }

    /** One level back for {@code line} (e.g. <code>} else {</code>), then one level deeper again. */
    SourceBuilder next(String line) {
        indent--;
        line(line);
        indent++;
        return this;
    }

    /** Appends lines built elsewhere at the current indentation. */
    SourceBuilder lines(String block) {
        for (String l : block.split("\n")) {
            line(l);
        }
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
