package dev.hardlight.codec;

import dev.hardlight.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes values in HardLight's binary format into a growing buffer owned by the runtime.
 *
 * <p>Integers ({@code short}, {@code int}, {@code long}) are ZigZag-encoded LEB128 varints;
 * {@code float} and {@code double} are IEEE 754 little-endian; strings and byte arrays carry a varint
 * byte length. See {@code docs/protocol.md} for every layout.
 *
 * <p>Not thread-safe: a writer belongs to the one encoding in progress.
 */
public abstract class WireWriter {
    /** For the runtime's implementations only. */
    protected WireWriter() {}

    public abstract void writeBoolean(boolean value);

    public abstract void writeByte(byte value);

    /** ZigZag varint. */
    public abstract void writeShort(short value);

    /** Unsigned varint of the UTF-16 code unit. */
    public abstract void writeChar(char value);

    /** ZigZag varint: small magnitudes, positive or negative, take one byte. */
    public abstract void writeInt(int value);

    /** ZigZag varint. */
    public abstract void writeLong(long value);

    /** 4 bytes, IEEE 754, little-endian. */
    public abstract void writeFloat(float value);

    /** 8 bytes, IEEE 754, little-endian. */
    public abstract void writeDouble(double value);

    /** Unsigned LEB128 varint of a non-negative int (counts, tags, ordinals). */
    public abstract void writeVarInt(int value);

    /** Unsigned LEB128 varint of a long read as unsigned. */
    public abstract void writeVarLong(long value);

    /** Varint byte length, then the UTF-8 bytes. An unpaired surrogate is written as {@code '?'}. */
    public abstract void writeString(String value);

    /** Varint length, then the bytes. */
    public abstract void writeBytes(byte[] value);

    /** Exactly {@code length} bytes, no length prefix. */
    public abstract void writeRaw(byte[] value, int offset, int length);

    /**
     * How many strings this writer has written with an unpaired surrogate replaced by {@code '?'}: a
     * set or map encoder checks that its elements stayed distinct when this grew while writing them.
     * For the runtime's implementations; 0 unless overridden.
     */
    protected int lossyStrings() {
        return 0;
    }

    /** The number of bytes written so far by this writer. */
    public abstract int writtenBytes();

    /**
     * Starts a length-delimited value (a record, or a sealed value's content): reserves one byte for
     * its length and returns where it starts, for {@link #endRecord}.
     */
    public abstract int beginRecord();

    /**
     * Ends the value {@link #beginRecord} started: writes the varint byte length of what was written
     * since, moving those bytes right when the length takes more than the one byte reserved (content
     * of 128 bytes or more).
     */
    public abstract void endRecord(int start);

    /** A presence byte: 1 when a value follows, 0 when it is absent. */
    public final void writePresence(boolean present) {
        writeByte(present ? (byte) 1 : (byte) 0);
    }

    /** A collection's element count (unsigned varint). */
    public final void writeCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
        }
        writeVarInt(count);
    }

    /** Seconds (ZigZag varint) since the epoch, then nanoseconds (varint, 0 to 999,999,999). */
    public final void writeInstant(Instant value) {
        writeLong(value.getEpochSecond());
        writeVarInt(value.getNano());
    }

    /** Seconds (ZigZag varint), then nanoseconds (varint, 0 to 999,999,999). */
    public final void writeDuration(Duration value) {
        writeLong(value.getSeconds());
        writeVarInt(value.getNano());
    }

    /** 16 bytes: most significant long, then least significant, each big-endian (the text form's order). */
    public final void writeUuid(UUID value) {
        byte[] b = new byte[16];
        long msb = value.getMostSignificantBits();
        long lsb = value.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (msb >>> (56 - 8 * i));
            b[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        writeRaw(b, 0, 16);
    }

    /** A topic: varint length, then its bytes. */
    public final void writeTopic(Topic value) {
        Topic t = requireValue(value, "Topic");
        byte[] b = new byte[t.length()];
        t.copyTo(b, 0);
        writeVarInt(b.length);
        writeRaw(b, 0, b.length);
    }

    /**
     * Returns {@code value}, or throws {@link MissingValueException} naming {@code what} when it is
     * {@code null}. Generated codecs call this for every non-nullable reference value.
     */
    public static <T> T requireValue(T value, String what) {
        if (value == null) {
            throw new MissingValueException(what + " is null; mark it @Nullable or use Optional to send null");
        }
        return value;
    }
}
