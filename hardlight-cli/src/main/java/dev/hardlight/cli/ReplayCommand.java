package dev.hardlight.cli;

import dev.hardlight.netty.Recording;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hardlight replay FILE...}: replays connection recordings (made with
 * {@code ClientOptions.Builder.record} or {@code ServerBuilder.record}) through the live decoders and
 * prints the frames both sides sent; with {@code --entries}, also every read and write, and with
 * {@code --hex} their bytes.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays HardLight connection recordings (.hlrec) through the decoders and prints the "
                + "frames both sides sent: the upgrade, HELLO, calls with method names, results, events, closes.",
                "Under each call, result, event and state change: its values in JSON (docs/json.md), decoded with the "
                + "schema the server sent in its HELLO, or --schema FILE.",
                "Recordings are made with ClientOptions.Builder.record(file) or ServerBuilder.record(directory); "
                + "see docs/recording.md."})
final class ReplayCommand implements Callable<Integer> {

    /** Bytes per line of a hex dump. */
    private static final int HEX_LINE = 32;
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "recording files, printed one after the other")
    List<Path> files;

    @Option(names = "--entries", description = "also list every read and write (direction, time, size), before the frames")
    boolean entries;

    @Option(names = "--hex", description = "with --entries: the bytes of each read and write in hex")
    boolean hex;

    @Option(names = "--schema", paramLabel = "FILE",
            description = "decode values with this schema text instead of the one in the recorded HELLO")
    Path schema;

    @Option(names = "--no-values", description = "do not print the values of calls, results, events and state changes")
    boolean noValues;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        DynamicContract given = null;
        if (schema != null) {
            try {
                given = new DynamicContract(Files.readString(schema, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                err.println("hardlight replay: --schema " + schema + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Recording r;
            try {
                r = Recording.read(file);
            } catch (NoSuchFileException e) {
                err.println("hardlight replay: " + file + ": no such file");
                failed++;
                continue;
            } catch (IOException e) {
                err.println("hardlight replay: " + file + ": " + e.getMessage());
                failed++;
                continue;
            }
            if (i > 0) {
                out.println();
            }
            if (files.size() > 1) {
                out.println("# " + file);
            }
            if (entries) {
                printEntries(r, out);
            }
            out.print(noValues ? listing(r) : withValues(r, listing(r), new ReplayValues(given)));
            out.flush();
        }
        err.flush();
        return failed == 0 ? 0 : 1;
    }

    /** What {@link Recording#print} prints, with {@code \n} line ends. */
    private static String listing(Recording r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            r.print(p);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    /**
     * The listing with a line of JSON values under each frame that has some (docs/json.md); the
     * listing's lines after its header are the frames of {@link Recording#decode()}, in order.
     */
    private static String withValues(Recording r, String listing, ReplayValues values) {
        List<Recording.Frame> frames = r.decode();
        String[] lines = listing.split("\n", -1);
        StringBuilder b = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            b.append(lines[i]);
            if (i < lines.length - 1) {
                b.append('\n');
            }
            if (i - 1 < frames.size()) {
                String v = values.values(frames.get(i - 1));
                if (v != null) {
                    b.append(" ".repeat(VALUE_INDENT)).append("= ").append(v).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** Where a frame line's summary starts: values are printed under it. */
    private static final int VALUE_INDENT = 37;

    private void printEntries(Recording r, PrintWriter out) {
        for (Recording.Entry e : r.entries()) {
            out.println(String.format(Locale.ROOT, "%10.3f ms  %s  %-5s %d bytes", e.timeNanos() / 1e6,
                    e.sender(r.side()) == Recording.Side.CLIENT ? "client" : "server", e.direction(), e.bytes().length));
            if (hex) {
                byte[] b = e.bytes();
                for (int off = 0; off < b.length; off += HEX_LINE) {
                    out.println(String.format(Locale.ROOT, "    %06x  %s", off,
                            HEX.formatHex(b, off, Math.min(b.length, off + HEX_LINE))));
                }
            }
        }
    }
}
