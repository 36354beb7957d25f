package dev.hardlight.codec;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads values in HardLight's binary format from one received message.
 *
 * <p>Every read is bounds-checked against the message; malformed input (truncation, an overlong
 * varint, a boolean other than 0 or 1, invalid UTF-8, a count larger than the bytes left, nesting
 * deeper than {@value #MAX_DEPTH}) throws {@link RpcException} with {@link Status#PROTOCOL_ERROR} and
 * nothing else. Cost is bounded by the message size.
 *
 * <p>Not thread-safe: a reader belongs to the one decoding in progress.
 */
public abstract class WireReader {
    /** How deeply records and sealed interfaces may nest in one message. */
    public static final int MAX_DEPTH = 64;

    private int depth;
    private boolean ended;

    /** For the runtime's implementations only. */
    protected WireReader() {}

    public abstract boolean readBoolean();

    public abstract byte readByte();

    public abstract short readShort();

    public abstract char readChar();

    public abstract int readInt();

    public abstract long readLong();

    public abstract float readFloat();

    public abstract double readDouble();

    /** An unsigned varint that must fit in 31 bits. */
    public abstract int readVarInt();

    /** An unsigned varint of up to 64 bits. */
    public abstract long readVarLong();

    public abstract String readString();

    public abstract byte[] readBytes();

    /** Exactly {@code length} bytes. */
    public abstract byte[] readRaw(int length);

    /**
     * Bytes left before the current limit: the end of the record or sealed value being read (see
     * {@link #beginRecord}), else the end of the message.
     */
    public abstract int remaining();

    /**
     * Makes the next {@code length} bytes (at most {@link #remaining()}) the whole input until
     * {@link #popLimit} and returns what {@link #popLimit} needs to restore the current limit.
     */
    protected abstract int pushLimit(int length);

    /** Skips the bytes left before the current limit, then restores the limit {@link #pushLimit} returned. */
    protected abstract void popLimit(int saved);

    /** Skips {@code n} bytes (at most {@link #remaining()}). */
    protected abstract void skip(int n);

    /**
     * Starts reading a length-delimited value (a record, or a sealed value's content): reads its
     * {@code length:varint}, checks it fits in the bytes left, counts one level of nesting, and limits
     * the reads that follow to those bytes. Returns what {@link #endRecord} needs.
     */
    public final int beginRecord() {
        int length = readVarInt();
        if (length > remaining()) {
            throw malformed("truncated: a value of " + length + " bytes with " + remaining() + " bytes left");
        }
        enter();
        return pushLimit(length);
    }

    /**
     * Ends a value started by {@link #beginRecord}: skips what is left of it (components a newer peer
     * appended) and restores the enclosing limit.
     */
    public final void endRecord(int saved) {
        popLimit(saved);
        exit();
    }

    /**
     * Whether bytes remain before the current limit. A record's decoder reads a component only while
     * this holds; a component the peer did not send (an older contract) takes its default.
     */
    public final boolean hasMore() {
        return remaining() > 0;
    }

    /** Skips every byte left before the current limit. */
    public final void skipRemaining() {
        skip(remaining());
    }

    /**
     * Ends a CALL's arguments: skips the bytes left in the message (parameters a newer client
     * appended) and marks the arguments decoded ({@link #ended()}).
     */
    public final void endArguments() {
        skipRemaining();
        ended = true;
    }

    /** A presence byte: {@code true} when a value follows. */
    public final boolean readPresence() {
        return readBoolean();
    }

    /**
     * A collection's element count. A count larger than the bytes left in the message is malformed,
     * which bounds the memory a hostile count can make us allocate.
     */
    public final int readCount() {
        int count = readVarInt();
        if (count > remaining()) {
            throw malformed("count " + count + " exceeds the " + remaining() + " bytes left in the message");
        }
        return count;
    }

    public final Instant readInstant() {
        long seconds = readLong();
        int nanos = readNanos();
        try {
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (RuntimeException e) {
            throw malformed("instant out of range: " + seconds + "s");
        }
    }

    public final Duration readDuration() {
        long seconds = readLong();
        return Duration.ofSeconds(seconds, readNanos());
    }

    public final UUID readUuid() {
        byte[] b = readRaw(16);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xFF);
            lsb = (lsb << 8) | (b[8 + i] & 0xFF);
        }
        return new UUID(msb, lsb);
    }

    /** A topic: varint length (at most {@link dev.hardlight.Topic#MAX_LENGTH}), then its bytes. */
    public final Topic readTopic() {
        int length = readVarInt();
        if (length > Topic.MAX_LENGTH) {
            throw malformed("topic of " + length + " bytes (expected: <= " + Topic.MAX_LENGTH + ")");
        }
        return Topic.of(readRaw(length));
    }

    /** Reads a tag of a sealed interface or an enum ordinal and checks it is below {@code limit}. */
    public final int readTag(int limit, String typeName) {
        int tag = readVarInt();
        if (tag >= limit) {
            throw malformed("unknown tag " + tag + " for " + typeName + " (expected: < " + limit + ")");
        }
        return tag;
    }

    /** Called by generated codecs before decoding a record or sealed value: bounds nesting. */
    public final void enter() {
        if (++depth > MAX_DEPTH) {
            throw malformed("values nested deeper than " + MAX_DEPTH);
        }
    }

    /** Called by generated codecs after decoding a record or sealed value. */
    public final void exit() {
        depth--;
    }

    /** Fails unless every byte of the message has been read. */
    public final void expectEnd(String what) {
        if (remaining() != 0) {
            throw malformed(remaining() + " unexpected trailing bytes after " + what);
        }
        ended = true;
    }

    /** Whether {@link #expectEnd} has succeeded on this reader. */
    public final boolean ended() {
        return ended;
    }

    private int readNanos() {
        int nanos = readVarInt();
        if (nanos > 999_999_999) {
            throw malformed("nanoseconds " + nanos + " (expected: <= 999999999)");
        }
        return nanos;
    }

    /**
     * The failure of an enum ordinal this side does not know and no {@code @Fallback} covers, e.g.
     * {@code unknown ordinal 3 of enum shop.Color (a newer peer's constant: mark a constant @Fallback to
     * accept it)}.
     */
    public static UnknownVariantException unknownConstant(String enumName, int ordinal) {
        return new UnknownVariantException("unknown ordinal " + ordinal + " of enum " + enumName
                + " (a newer peer's constant: mark a constant @Fallback to accept it)");
    }

    /**
     * The failure of a sealed interface's tag this side does not know and no {@code @Fallback} covers,
     * e.g. {@code unknown tag 3 of sealed shop.Shape (a newer peer's subtype: mark a permitted record
     * @Fallback to accept it)}.
     */
    public static UnknownVariantException unknownSubtype(String sealedName, int tag) {
        return new UnknownVariantException("unknown tag " + tag + " of sealed " + sealedName
                + " (a newer peer's subtype: mark a permitted record @Fallback to accept it)");
    }

    /**
     * Fails for a component or parameter of type {@code what} that the peer did not send and whose type
     * has no zero value (a record reaching itself through required components).
     */
    public static <T> T noZero(String what) {
        throw malformed("missing " + what + ", which has no zero value to default to");
    }

    /** The exception for malformed input. */
    public static RpcException malformed(String message) {
        return new RpcException(Status.PROTOCOL_ERROR, "malformed message: " + message);
    }
}
