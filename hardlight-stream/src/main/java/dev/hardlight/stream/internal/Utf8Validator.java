package dev.hardlight.stream.internal;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Checks UTF-8 incrementally (a sequence may be split across frames), without allocating. Rejects
 * overlong forms, surrogates and code points past U+10FFFF, as RFC 3629 does. Not thread-safe.
 */
public final class Utf8Validator {

    private int need;
    private int lower = 0x80;
    private int upper = 0xBF;

    /** Forgets any sequence in progress. */
    public void reset() {
        need = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /** Whether no sequence is left unfinished. */
    public boolean complete() {
        return need == 0;
    }

    /** Feeds bytes; {@code false} as soon as they cannot be UTF-8. */
    public boolean feed(DirectBuffer b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (need == 0) {
                while (i + 8 <= end && (b.getLong(i, ByteOrder.LITTLE_ENDIAN) & 0x8080808080808080L) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
            }
            int c = b.getByte(i++) & 0xff;
            if (need == 0) {
                if (c < 0x80) {
                    continue;
                } else if (c >= 0xC2 && c <= 0xDF) {
                    need = 1;
                } else if (c == 0xE0) {
                    need = 2;
                    lower = 0xA0;
                } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
                    need = 2;
                } else if (c == 0xED) {
                    need = 2;
                    upper = 0x9F;
                } else if (c == 0xF0) {
                    need = 3;
                    lower = 0x90;
                } else if (c >= 0xF1 && c <= 0xF3) {
                    need = 3;
                } else if (c == 0xF4) {
                    need = 3;
                    upper = 0x8F;
                } else {
                    return false;
                }
            } else {
                if (c < lower || c > upper) {
                    return false;
                }
                lower = 0x80;
                upper = 0xBF;
                need--;
            }
        }
        return true;
    }
}
