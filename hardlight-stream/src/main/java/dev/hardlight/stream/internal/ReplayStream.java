package dev.hardlight.stream.internal;

import dev.hardlight.stream.Stream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Plays the READ records of a recording back, one record per read (a smaller buffer gets the rest at
 * the next read), with each record's time; writes are taken and dropped. A file cut short plays up to its
 * last complete record. Not thread-safe.
 */
public final class ReplayStream implements Stream {

    private final ByteBuffer file;
    private final int[] offsets;
    private final int[] lengths;
    private final long[] times;
    private final int count;
    private final String webSocketKey;
    private int index;
    private int consumed;
    private long readTimeNanos;

    private ReplayStream(ByteBuffer file, int[] offsets, int[] lengths, long[] times, int count, String webSocketKey) {
        this.webSocketKey = webSocketKey;
        this.file = file;
        this.offsets = offsets;
        this.lengths = lengths;
        this.times = times;
        this.count = count;
    }

    /** Reads and checks the whole file. */
    public static ReplayStream open(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path));
        try {
            byte[] magic = new byte[8];
            b.get(magic);
            if (!Arrays.equals(magic, RecordingWriter.MAGIC)) {
                throw new IOException(path + " is not a HardLight recording (no HLREC magic bytes)");
            }
            int version = b.getShort() & 0xffff;
            if (version != RecordingWriter.VERSION) {
                throw new IOException(path + " is a recording of version " + version + ", not 1");
            }
            b.get(); // side
            b.getLong(); // start, wall clock
            int fields = b.getShort() & 0xffff;
            for (int i = 0; i < fields * 2; i++) {
                int length = b.getShort() & 0xffff;
                b.position(b.position() + length);
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException(path + " ends inside its recording header", e);
        }
        int[] offsets = new int[16];
        int[] lengths = new int[16];
        long[] times = new long[16];
        int count = 0;
        String key = null;
        while (b.remaining() >= RecordingWriter.RECORD_HEADER) {
            int kind = b.get();
            long time = b.getLong();
            long length = b.getInt() & 0xffffffffL;
            if (kind < RecordingWriter.READ || kind > RecordingWriter.TRUNCATED) {
                throw new IOException(path + ": unknown record kind " + kind + " at byte " + (b.position() - 13));
            }
            if (length > b.remaining()) {
                break; // cut short inside this record
            }
            if (kind == RecordingWriter.READ && length > 0) {
                if (count == offsets.length) {
                    offsets = Arrays.copyOf(offsets, count * 2);
                    lengths = Arrays.copyOf(lengths, count * 2);
                    times = Arrays.copyOf(times, count * 2);
                }
                offsets[count] = b.position();
                lengths[count] = (int) length;
                times[count] = time;
                count++;
            }
            if (kind == RecordingWriter.WRITE && key == null) {
                key = webSocketKey(b, b.position(), (int) length);
            }
            b.position(b.position() + (int) length);
            if (kind == RecordingWriter.END || kind == RecordingWriter.TRUNCATED) {
                break;
            }
        }
        return new ReplayStream(b, offsets, lengths, times, count, key);
    }

    private static String webSocketKey(ByteBuffer b, int offset, int length) {
        byte[] bytes = new byte[Math.min(length, 16 * 1024)];
        b.get(offset, bytes);
        String head = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                return line.substring(18).trim();
            }
        }
        return null;
    }

    /**
     * The {@code Sec-WebSocket-Key} of the upgrade request in the recording, or {@code null}: a client
     * replaying the recording uses it, so that the recorded response's accept value matches.
     */
    public String webSocketKey() {
        return webSocketKey;
    }

    @Override
    public boolean finishConnect() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (index >= count) {
            return -1;
        }
        int n = Math.min(dst.remaining(), lengths[index] - consumed);
        dst.put(dst.position(), file, offsets[index] + consumed, n);
        dst.position(dst.position() + n);
        readTimeNanos = times[index];
        consumed += n;
        if (consumed == lengths[index]) {
            index++;
            consumed = 0;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        src.position(src.limit());
        return n;
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public long readTimeNanos() {
        return readTimeNanos;
    }

    @Override
    public boolean hasBufferedInput() {
        return index < count;
    }

    @Override
    public SocketChannel channel() {
        return null;
    }

    @Override
    public void close() {
        index = count;
    }
}
