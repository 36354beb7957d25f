package dev.hardlight.cli;

import dev.hardlight.netty.Recording;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Text renderings shared by the verbs. */
final class Printing {
    private Printing() {}

    /** What {@link Recording#print} prints, as a string with {@code \n} line ends. */
    static String toText(Recording r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            r.print(p);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
