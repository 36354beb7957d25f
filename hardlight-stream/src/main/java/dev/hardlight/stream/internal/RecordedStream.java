package dev.hardlight.stream.internal;

import dev.hardlight.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passes everything through to the stream below and records each read and write (one record each, so
 * read boundaries are kept) with its time since the recording started. Not thread-safe: owned by the
 * polling thread.
 */
public final class RecordedStream implements Stream {

    private final Stream inner;
    private final RecordingWriter writer;
    private final long startNanos = System.nanoTime();

    public RecordedStream(Stream inner, Path file, String target, long cap) throws IOException {
        this.inner = inner;
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("target", target);
        fields.put("credentials", "recorded");
        fields.put("recorder", "hardlight-stream");
        this.writer = new RecordingWriter(file, cap, fields);
    }

    @Override
    public boolean finishConnect() throws IOException {
        return inner.finishConnect();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = inner.read(dst);
        if (n > 0) {
            writer.record(RecordingWriter.READ, inner.readTimeNanos() - startNanos, dst, start, n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int start = src.position();
        int n = inner.write(src);
        if (n > 0) {
            writer.record(RecordingWriter.WRITE, System.nanoTime() - startNanos, src, start, n);
        }
        return n;
    }

    @Override
    public boolean flush() throws IOException {
        return inner.flush();
    }

    @Override
    public long readTimeNanos() {
        return inner.readTimeNanos();
    }

    @Override
    public boolean hasBufferedInput() {
        return inner.hasBufferedInput();
    }

    @Override
    public SocketChannel channel() {
        return inner.channel();
    }

    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            writer.close();
        }
    }
}
