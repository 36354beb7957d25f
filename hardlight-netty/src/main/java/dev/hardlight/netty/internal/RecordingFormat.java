package dev.hardlight.netty.internal;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The recording file format, version 1 ({@code docs/recording.md} is the authority). All integers
 * are big-endian.
 *
 * <pre>
 * file    = header record* last
 * header  = magic:8 "HLREC\r\n\x1a"  version:u16  side:u8  startMillis:i64  fieldCount:u16 { key:str16 value:str16 }*
 * record  = kind:u8  timeNanos:i64  length:u32  payload:length bytes       (13 + length bytes)
 * last    = a record of kind END (payload empty) or TRUNCATED (payload: the reason, UTF-8)
 * str16   = length:u16  UTF-8 bytes
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class RecordingFormat {
    private RecordingFormat() {}

    /** The smallest cap of a recording: room for the largest header (5 fields) and the last record. */
    public static final long MIN_MAX_BYTES = 8 * 1024;
    /** The largest cap of a recording: replay holds a whole recording in memory. */
    public static final long MAX_MAX_BYTES = 1L << 30;

    /**
     * Checks the cap of a recording file, the same on client and server.
     *
     * @param name the setting, for the message
     * @throws IllegalArgumentException unless {@value #MIN_MAX_BYTES}..{@value #MAX_MAX_BYTES}
     */
    public static long checkMaxBytes(String name, long maxBytes) {
        if (maxBytes < MIN_MAX_BYTES || maxBytes > MAX_MAX_BYTES) {
            throw new IllegalArgumentException(name + ": " + maxBytes + " (expected: " + MIN_MAX_BYTES + ".." + MAX_MAX_BYTES + ")");
        }
        return maxBytes;
    }

    /** "HLREC", then CR LF and SUB as PNG does: a file mangled by a text-mode transfer fails the check. */
    static final byte[] MAGIC = {'H', 'L', 'R', 'E', 'C', '\r', '\n', 0x1A};
    /** The only version this implementation writes and reads. */
    public static final int VERSION = 1;

    public static final int SIDE_CLIENT = 1;
    public static final int SIDE_SERVER = 2;

    /** Bytes the recording side received (one channelRead after TLS). */
    public static final int READ = 1;
    /** Bytes the recording side sent (one write before TLS). */
    public static final int WRITE = 2;
    /** The connection closed: the last record of a complete recording. */
    public static final int END = 3;
    /** The recording stopped early (its cap, or a disk that did not keep up): the last record; the payload says why. */
    public static final int TRUNCATED = 4;

    /** kind + time + length. */
    public static final int RECORD_OVERHEAD = 13;
    /** The longest header field value written (longer ones are cut). */
    static final int MAX_FIELD_BYTES = 512;
    /** The longest truncation reason written (longer ones are cut). */
    static final int MAX_REASON_BYTES = 200;

    /** Header keys. Readers ignore keys they do not know, so version 1 may gain keys. */
    public static final String TARGET = "target";
    public static final String SERVICE = "service";
    public static final String FINGERPRINT = "fingerprint";
    public static final String CONNECTION = "connection";
    /**
     * Whether the credentials in the HTTP heads were masked ({@link #CREDENTIALS_REDACTED}) or kept
     * ({@link #CREDENTIALS_RECORDED}); absent from files written before the key existed (kept).
     */
    public static final String CREDENTIALS = "credentials";
    public static final String CREDENTIALS_REDACTED = "redacted";
    public static final String CREDENTIALS_RECORDED = "recorded";

    /** Encodes the header of a recording. */
    static byte[] header(int side, long startMillis, Map<String, String> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(VERSION);
            out.writeByte(side);
            out.writeLong(startMillis);
            out.writeShort(fields.size());
            for (Map.Entry<String, String> f : fields.entrySet()) {
                writeString(out, f.getKey());
                writeString(out, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = cut(s, MAX_FIELD_BYTES);
        out.writeShort(b.length);
        out.write(b);
    }

    /** The UTF-8 bytes of {@code s}, cut to at most {@code max} bytes on a character boundary. */
    static byte[] cut(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        int end = max;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // not inside a multi-byte character
        }
        return Arrays.copyOf(b, end);
    }

    /** Encodes a record holding the readable bytes of {@code payload}; its indexes are not moved. */
    static byte[] record(int kind, long timeNanos, ByteBuf payload) {
        int length = payload.readableBytes();
        byte[] r = new byte[RECORD_OVERHEAD + length];
        ByteBuffer.wrap(r).put((byte) kind).putLong(timeNanos).putInt(length);
        payload.getBytes(payload.readerIndex(), r, RECORD_OVERHEAD, length);
        return r;
    }

    /** Encodes a record holding {@code payload}. */
    static byte[] record(int kind, long timeNanos, byte[] payload) {
        byte[] r = new byte[RECORD_OVERHEAD + payload.length];
        ByteBuffer.wrap(r).put((byte) kind).putLong(timeNanos).putInt(payload.length).put(payload);
        return r;
    }
}
