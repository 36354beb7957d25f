package dev.hardlight.hypercore.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes compact-encoding values (the npm {@code compact-encoding} package): {@code uint} varints, strings
 * and buffers with a uint length, fixed-size and little-endian integers. Not thread safe.
 */
public final class CompactWriter {
    private byte[] buf;
    private int len;

    public CompactWriter() {
        this(64);
    }

    public CompactWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** Number of bytes written so far. */
    public int length() {
        return len;
    }

    public CompactWriter byte1(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    /** A compact-encoding {@code uint}: 1 byte up to 0xfc, else 0xfd+u16, 0xfe+u32 or 0xff+u64, little endian. */
    public CompactWriter uint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("uint : " + v + " (expected: >= 0)");
        }
        if (v <= 0xfc) {
            return byte1((int) v);
        }
        if (v <= 0xffff) {
            byte1(0xfd);
            return le(v, 2);
        }
        if (v <= 0xffffffffL) {
            byte1(0xfe);
            return le(v, 4);
        }
        byte1(0xff);
        return le(v, 8);
    }

    /** {@code n} bytes of {@code v}, little endian. */
    public CompactWriter le(long v, int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** A 24-bit little-endian length (the secret stream's frame prefix). */
    public CompactWriter uint24(int v) {
        return le(v, 3);
    }

    public CompactWriter raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    public CompactWriter raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** A uint length and the bytes. */
    public CompactWriter buffer(byte[] b) {
        uint(b.length);
        return raw(b);
    }

    /** {@code 00} for null, else a buffer (which must not be empty to read back as non-null). */
    public CompactWriter optionalBuffer(byte[] b) {
        return b == null ? byte1(0) : buffer(b);
    }

    /** 32 raw bytes. */
    public CompactWriter fixed32(byte[] b) {
        if (b.length != 32) {
            throw new IllegalArgumentException("fixed32 length : " + b.length + " (expected: 32)");
        }
        return raw(b);
    }

    /** A uint byte length and UTF-8. */
    public CompactWriter string(String s) {
        return buffer(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A uint element count and each element as 4 bytes little endian. */
    public CompactWriter uint32array(int[] a) {
        uint(a.length);
        ensure(a.length * 4);
        for (int v : a) {
            le(v & 0xffffffffL, 4);
        }
        return this;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
