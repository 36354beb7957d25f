package dev.hardlight.stream.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Writes HardLight's recording format, version 1 (docs/recording.md: header, then READ / WRITE records,
 * ending with END or TRUNCATED), through a 64 KiB buffer. The file never exceeds its cap: a record that
 * would not fit (with room kept for the last record) ends the file with TRUNCATED and its reason.
 *
 * <pre>
 * header: magic "HLREC\r\n\x1a" (8) | version u16 = 1 | side u8 (1 client) | startMillis i64
 *         | fieldCount u16 | fieldCount x (key str16, value str16)
 * record: kind u8 (1 READ, 2 WRITE, 3 END, 4 TRUNCATED) | timeNanos i64 | length u32 | payload
 * </pre>
 *
 * Not thread-safe: owned by the stream's polling thread.
 */
public final class RecordingWriter implements AutoCloseable {

    static final byte[] MAGIC = {0x48, 0x4c, 0x52, 0x45, 0x43, 0x0d, 0x0a, 0x1a};
    static final int VERSION = 1;
    static final int SIDE_CLIENT = 1;
    static final int READ = 1;
    static final int WRITE = 2;
    static final int END = 3;
    static final int TRUNCATED = 4;
    static final int RECORD_HEADER = 13;
    private static final int MAX_REASON = 200;
    private static final int MAX_FIELD = 512;

    private static final System.Logger LOG = System.getLogger(RecordingWriter.class.getName());

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final long cap;
    private long written;
    private boolean stopped;

    public RecordingWriter(Path file, long cap, Map<String, String> fields) throws IOException {
        this.file = file;
        this.cap = cap;
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        buffer.put(MAGIC).putShort((short) VERSION).put((byte) SIDE_CLIENT).putLong(System.currentTimeMillis());
        buffer.putShort((short) fields.size());
        for (Map.Entry<String, String> f : fields.entrySet()) {
            putStr16(f.getKey());
            putStr16(f.getValue());
        }
        written = buffer.position();
    }

    private void putStr16(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, MAX_FIELD);
        buffer.putShort((short) n).put(b, 0, n);
    }

    /** Records {@code length} bytes of {@code src} from {@code offset}, without moving its position. */
    public void record(int kind, long timeNanos, ByteBuffer src, int offset, int length) {
        if (stopped) {
            return;
        }
        if (written + RECORD_HEADER + length > cap - RECORD_HEADER - MAX_REASON) {
            stop(TRUNCATED, timeNanos, "the recording reached its cap of " + cap + " bytes");
            return;
        }
        try {
            if (buffer.remaining() < RECORD_HEADER) {
                drain();
            }
            buffer.put((byte) kind).putLong(timeNanos).putInt(length);
            int done = 0;
            while (done < length) {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                int n = Math.min(buffer.remaining(), length - done);
                buffer.put(buffer.position(), src, offset + done, n);
                buffer.position(buffer.position() + n);
                done += n;
            }
            written += RECORD_HEADER + length;
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Ends the recording with END (a closed connection) and closes the file. */
    @Override
    public void close() {
        stop(END, 0, null);
    }

    /** Ends the recording with its last record (END, or TRUNCATED and a reason) and closes the file. */
    public void stop(int kind, long timeNanos, String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(r.length, MAX_REASON);
            if (buffer.remaining() < RECORD_HEADER + n) {
                drain();
            }
            buffer.put((byte) kind).putLong(timeNanos).putInt(n).put(r, 0, n);
            drain();
            channel.close();
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Writes what the buffer holds to the file. */
    public void flush() {
        if (!stopped) {
            try {
                drain();
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private void fail(IOException e) {
        stopped = true;
        LOG.log(System.Logger.Level.WARNING, "cannot write the recording " + file + ", the connection goes on unrecorded", e);
        try {
            channel.close();
        } catch (IOException ignored) {
            // already reported the first failure
        }
    }
}
