package dev.hardlight.hypercore.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads compact-encoding values from a byte range, checking every length against what is left: a
 * truncated or oversize value throws {@link MalformedException} and never allocates more than the input
 * holds. Integers above 2^53 - 1 (what a JavaScript number holds exactly) are refused. Not thread safe.
 */
public final class CompactReader {
    /** The largest integer the JavaScript side can represent exactly. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private final byte[] buf;
    private int pos;
    private final int end;

    public CompactReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public CompactReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    private void need(int n, String what) {
        if (n < 0 || end - pos < n) {
            throw new MalformedException("truncated " + what + ": " + n + " bytes needed, " + (end - pos) + " left");
        }
    }

    public int byte1(String what) {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    /** A little-endian unsigned value of {@code n} bytes (n <= 8). */
    public long le(int n, String what) {
        need(n, what);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (buf[pos++] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** A compact-encoding {@code uint}, at most 2^53 - 1. */
    public long uint(String what) {
        int b = byte1(what);
        long v;
        if (b <= 0xfc) {
            return b;
        } else if (b == 0xfd) {
            v = le(2, what);
        } else if (b == 0xfe) {
            v = le(4, what);
        } else {
            v = le(8, what);
        }
        if (v < 0 || v > MAX_SAFE_INTEGER) {
            throw new MalformedException(what + " out of range (above 2^53 - 1)");
        }
        return v;
    }

    /** A uint that must fit an int (lengths, counts, ids). */
    public int uintAsInt(String what) {
        long v = uint(what);
        if (v > Integer.MAX_VALUE) {
            throw new MalformedException(what + " out of range: " + v);
        }
        return (int) v;
    }

    public byte[] raw(int n, String what) {
        need(n, what);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** The rest of the range. */
    public byte[] rest() {
        return raw(end - pos, "rest");
    }

    /** A uint length and that many bytes; an empty buffer reads as empty (JS reads it as null). */
    public byte[] buffer(String what) {
        int n = uintAsInt(what + " length");
        return raw(n, what);
    }

    /** A buffer, or null when its length is 0. */
    public byte[] optionalBuffer(String what) {
        byte[] b = buffer(what);
        return b.length == 0 ? null : b;
    }

    public byte[] fixed32(String what) {
        return raw(32, what);
    }

    /** A uint byte length and strict UTF-8. */
    public String string(String what) {
        byte[] b = buffer(what);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException(what + " is not valid UTF-8");
        }
    }

    /** A uint element count and 4 bytes little endian each. */
    public int[] uint32array(String what) {
        int n = uintAsInt(what + " length");
        if (n > remaining() / 4) {
            throw new MalformedException("truncated " + what + ": " + n + " elements announced, " + remaining() + " bytes left");
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = (int) le(4, what);
        }
        return a;
    }

    /** Checks that an array count can be backed by the remaining bytes at {@code minBytes} each. */
    public int count(String what, int minBytes) {
        int n = uintAsInt(what + " count");
        if ((long) n * minBytes > remaining()) {
            throw new MalformedException("truncated " + what + ": " + n + " items announced, " + remaining() + " bytes left");
        }
        return n;
    }
}
