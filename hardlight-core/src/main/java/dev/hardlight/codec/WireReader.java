package dev.hardlight.codec;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
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

    /** Bytes left in this message. */
    public abstract int remaining();

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
    public final dev.hardlight.Topic readTopic() {
        int length = readVarInt();
        if (length > dev.hardlight.Topic.MAX_LENGTH) {
            throw malformed("topic of " + length + " bytes (expected: <= " + dev.hardlight.Topic.MAX_LENGTH + ")");
        }
        return dev.hardlight.Topic.of(readRaw(length));
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

    /** The exception for malformed input. */
    public static RpcException malformed(String message) {
        return new RpcException(Status.PROTOCOL_ERROR, "malformed message: " + message);
    }
}
