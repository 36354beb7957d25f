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
 * Reads a recording file ({@link RecordingFormat}) whole, refusing anything that is not a complete
 * version-1 recording with a message that says what is wrong and where. Stateless and thread-safe.
 */
public final class RecordingReader {
    private RecordingReader() {}

    /**
     * A recording, as read.
     *
     * @param truncation why the recording stopped early, or {@code null} when it ends with END
     */
    public record Contents(Recording.Side side, long startMillis, Map<String, String> fields,
                           List<Recording.Entry> entries, String truncation) {}

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
            String truncation = records(entries);
            return new Contents(side, start, Map.copyOf(fields), List.copyOf(entries), truncation);
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

        /** Reads the records up to the last one; returns the truncation reason, or null after END. */
        private String records(List<Recording.Entry> entries) throws IOException {
            for (int n = 0; ; n++) {
                long at = position;
                int kind = in.read();
                if (kind < 0) {
                    throw new IOException(file + ": truncated: the file ends after " + n + " records without an END or "
                            + "TRUNCATED record (did the recording process stop before the connection closed?)");
                }
                long time;
                int length;
                try {
                    time = in.readLong();
                    length = in.readInt();
                } catch (EOFException e) {
                    throw new IOException(file + ": truncated: record " + n + " at byte " + at + " is cut in its header", e);
                }
                position += RecordingFormat.RECORD_OVERHEAD;
                if (length < 0 || length > size - position) {
                    throw new IOException(file + ": truncated: record " + n + " at byte " + at + " declares "
                            + Integer.toUnsignedString(length) + " payload bytes, only " + Math.max(0, size - position) + " remain");
                }
                byte[] payload = in.readNBytes(length);
                if (payload.length < length) {
                    throw new IOException(file + ": truncated: record " + n + " at byte " + at + " is cut in its payload");
                }
                position += length;
                switch (kind) {
                    case RecordingFormat.READ -> entries.add(new Recording.Entry(Recording.Direction.READ, time, payload));
                    case RecordingFormat.WRITE -> entries.add(new Recording.Entry(Recording.Direction.WRITE, time, payload));
                    case RecordingFormat.END, RecordingFormat.TRUNCATED -> {
                        if (in.read() >= 0) {
                            throw new IOException(file + ": corrupt: bytes after the last record (at byte " + position + ")");
                        }
                        return kind == RecordingFormat.END ? null : new String(payload, StandardCharsets.UTF_8);
                    }
                    default -> throw new IOException(file + ": corrupt: record " + n + " at byte " + at
                            + " has the unknown kind " + kind + " (expected: 1 read, 2 write, 3 end, 4 truncated)");
                }
            }
        }
    }
}
