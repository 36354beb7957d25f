package dev.hardlight.netty.internal;

import dev.hardlight.netty.Recording;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a recording file ({@link RecordingFormat}) whole, refusing anything that is not a version-1
 * recording with a message that says what is wrong and where. A file that ends before its last record
 * (its writer died, or is still writing) is read up to its last complete record and marked cut: only
 * the end of a file may be missing, corruption anywhere (magic, version, header, an unknown record
 * kind, a length no writer writes, bytes after the last record) is refused. Bounded: no length field
 * makes the reader allocate more than the bytes left in the file. Stateless and thread-safe.
 */
public final class RecordingReader {
    private RecordingReader() {}

    private static final String CUT_WHY = ": the process that recorded it stopped before the connection closed "
            + "(or is still recording); every complete record before is there";

    /**
     * A recording, as read.
     *
     * @param truncation why the recording stopped early, or {@code null} when it ends with END (or is cut)
     * @param cut where the file ends before its last record (END or TRUNCATED), or {@code null} when it
     *     has it: the process that wrote it stopped before the connection closed, or is still writing
     */
    public record Contents(Recording.Side side, long startMillis, Map<String, String> fields,
                           List<Recording.Entry> entries, String truncation, String cut) {}

    public static Contents read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 64 * 1024))) {
            return new RecordingReader.Parse(file, size, in).run();
        }
    }

    /** One pass over one file; {@code position} counts the bytes consumed, for error messages. */
    private static final class Parse {
        private final Path file;
        private final long size;
        private final DataInputStream in;
        private long position;
        private String truncation;
        private String cut;

        Parse(Path file, long size, DataInputStream in) {
            this.file = file;
            this.size = size;
            this.in = in;
        }

        Contents run() throws IOException {
            byte[] magic = in.readNBytes(RecordingFormat.MAGIC.length);
            if (!Arrays.equals(magic, RecordingFormat.MAGIC)) {
                throw new IOException("not a HardLight recording: " + file + " does not start with the magic bytes "
                        + "48 4c 52 45 43 0d 0a 1a (\"HLREC\\r\\n\\x1a\"), it starts with "
                        + (magic.length == 0 ? "nothing (an empty file)" : HexFormat.ofDelimiter(" ").formatHex(magic)));
            }
            position = magic.length;
            Recording.Side side;
            long start;
            Map<String, String> fields = new LinkedHashMap<>();
            try {
                int version = in.readUnsignedShort();
                if (version != RecordingFormat.VERSION) {
                    throw new IOException(file + ": recording format version " + version + " is not supported (this "
                            + "HardLight reads version " + RecordingFormat.VERSION + "): read it with the HardLight that wrote it");
                }
                int s = in.readUnsignedByte();
                side = switch (s) {
                    case RecordingFormat.SIDE_CLIENT -> Recording.Side.CLIENT;
                    case RecordingFormat.SIDE_SERVER -> Recording.Side.SERVER;
                    default -> throw new IOException(file + ": corrupt header: side " + s + " (expected: 1 client or 2 server)");
                };
                start = in.readLong();
                int count = in.readUnsignedShort();
                position += 13;
                for (int i = 0; i < count; i++) {
                    fields.put(string(), string());
                }
            } catch (EOFException e) {
                throw new IOException(file + ": truncated: the file ends inside the header (" + size + " bytes)", e);
            }
            List<Recording.Entry> entries = new ArrayList<>();
            records(entries);
            return new Contents(side, start, Map.copyOf(fields), List.copyOf(entries), truncation, cut);
        }

        private String string() throws IOException {
            int length = in.readUnsignedShort();
            byte[] b = in.readNBytes(length);
            if (b.length < length) {
                throw new EOFException();
            }
            position += 2 + length;
            return new String(b, StandardCharsets.UTF_8);
        }

        /**
         * Reads the records up to the last one into {@code entries}; sets {@link #truncation} after a
         * TRUNCATED record, {@link #cut} when the file ends before its last record.
         */
        private void records(List<Recording.Entry> entries) throws IOException {
            for (int n = 0; ; n++) {
                long at = position;
                int kind = in.read();
                if (kind < 0) {
                    cut = "the file ends after " + n + " records (" + at + " bytes) without an END or TRUNCATED record" + CUT_WHY;
                    return;
                }
                if (kind < RecordingFormat.READ || kind > RecordingFormat.TRUNCATED) {
                    throw new IOException(file + ": corrupt: record " + n + " at byte " + at
                            + " has the unknown kind " + kind + " (expected: 1 read, 2 write, 3 end, 4 truncated)");
                }
                long time;
                long length;
                try {
                    time = in.readLong();
                    length = Integer.toUnsignedLong(in.readInt());
                } catch (EOFException e) {
                    cut = "the file ends inside record " + n + " (at byte " + at + "), in its header" + CUT_WHY;
                    return;
                }
                position += RecordingFormat.RECORD_OVERHEAD;
                checkLength(n, at, kind, length);
                long remaining = size - position;
                if (length > remaining) {
                    // Checked before reading: a length field never makes the reader allocate more than the file holds.
                    cut = "the file ends inside record " + n + " (at byte " + at + "): " + remaining + " of its "
                            + length + " payload bytes are there" + CUT_WHY;
                    return;
                }
                byte[] payload = in.readNBytes((int) length);
                if (payload.length < length) { // the file shrank while it was read
                    cut = "the file ends inside record " + n + " (at byte " + at + "), in its payload" + CUT_WHY;
                    return;
                }
                position += length;
                switch (kind) {
                    case RecordingFormat.READ -> entries.add(new Recording.Entry(Recording.Direction.READ, time, payload));
                    case RecordingFormat.WRITE -> entries.add(new Recording.Entry(Recording.Direction.WRITE, time, payload));
                    default -> { // END or TRUNCATED
                        if (in.read() >= 0) {
                            throw new IOException(file + ": corrupt: bytes after the last record (at byte " + position + ")");
                        }
                        truncation = kind == RecordingFormat.END ? null : new String(payload, StandardCharsets.UTF_8);
                        return;
                    }
                }
            }
        }

        /** Refuses a payload length no writer writes: the file is corrupt there, not cut. */
        private void checkLength(int n, long at, int kind, long length) throws IOException {
            long max = switch (kind) {
                case RecordingFormat.END -> 0;
                case RecordingFormat.TRUNCATED -> RecordingFormat.MAX_REASON_BYTES;
                default -> RecordingFormat.MAX_MAX_BYTES - RecordingFormat.RECORD_OVERHEAD;
            };
            if (length > max) {
                throw new IOException(file + ": corrupt: record " + n + " at byte " + at + " (kind " + kind + ") declares "
                        + length + " payload bytes, more than such a record can hold (" + max + ")");
            }
        }
    }
}
