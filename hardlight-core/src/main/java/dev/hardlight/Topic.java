package dev.hardlight;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The name of an event stream: an immutable byte string. A string topic is its UTF-8 bytes, so
 * {@code Topic.of("abc").equals(Topic.of("abc".getBytes(UTF_8)))}: one topic has exactly one spelling
 * (the Rust reference kept a string flag and made those two different topics).
 *
 * <p>At most {@value #MAX_LENGTH} bytes. Immutable and thread-safe; usable as a map key and as a
 * record component on the wire (varint length, then the bytes).
 */
public final class Topic implements Comparable<Topic> {
    /** The longest topic, in bytes. */
    public static final int MAX_LENGTH = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The empty topic: a state's "no topic yet". */
    public static final Topic EMPTY = new Topic(new byte[0]);

    private final byte[] bytes;
    private final int hash;

    private Topic(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("topic: " + bytes.length + " bytes (expected: <= " + MAX_LENGTH + ")");
        }
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** The topic whose bytes are the UTF-8 encoding of {@code name}. */
    public static Topic of(String name) {
        return new Topic(Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8));
    }

    /** The topic with these bytes (copied). */
    public static Topic of(byte[] bytes) {
        return new Topic(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** A new topic of 16 random bytes: practically unique, for per-object streams. */
    public static Topic random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return new Topic(b);
    }

    /** A copy of the bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The number of bytes. */
    public int length() {
        return bytes.length;
    }

    /** Whether this is the empty topic. */
    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /** Writes the bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, bytes.length);
    }

    /** The bytes as a string when they are valid UTF-8, otherwise {@code null}. */
    public String asString() {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topic t && t.hash == hash && Arrays.equals(t.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Topic o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** {@code Topic["name"]} for printable UTF-8, else {@code Topic[0x0a1b...]}. */
    @Override
    public String toString() {
        String s = asString();
        if (s != null && s.codePoints().noneMatch(Character::isISOControl)) {
            return "Topic[\"" + s + "\"]";
        }
        return "Topic[0x" + HexFormat.of().formatHex(bytes) + "]";
    }
}
