package dev.hardlight.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The writer's varints and strings are byte for byte what a plain encoding writes: a varint written
 * a byte at a time, a string's UTF-8 length and bytes as the JDK's encoder writes them (each unpaired
 * surrogate a '?'), into every kind of buffer and at its capacity's edge.
 */
class ByteBufWireWriterTest {

    /** The kinds of buffer a writer may get; each starts with {@code before} bytes already written. */
    enum Buffer {
        HEAP, DIRECT, POOLED_DIRECT, POOLED_HEAP, HEAP_SLICE, COMPOSITE, SMALL_GROWING;

        ByteBuf allocate(int before) {
            ByteBuf buf = switch (this) {
                case HEAP -> Unpooled.buffer();
                case DIRECT -> Unpooled.directBuffer();
                case POOLED_DIRECT -> PooledByteBufAllocator.DEFAULT.directBuffer();
                case POOLED_HEAP -> PooledByteBufAllocator.DEFAULT.heapBuffer();
                // a non-zero array offset
                case HEAP_SLICE -> Unpooled.wrappedBuffer(new byte[1 << 20]).slice(13, (1 << 20) - 13).clear();
                case COMPOSITE -> Unpooled.compositeBuffer().addComponent(true, Unpooled.buffer(3).writeByte(1))
                        .addComponent(true, Unpooled.directBuffer(5).writeByte(2)).clear();
                case SMALL_GROWING -> Unpooled.buffer(1);
            };
            for (int i = 0; i < before; i++) {
                buf.writeByte(0xA5);
            }
            return buf;
        }
    }

    // ---- reference encodings: the plain way, one byte at a time ----

    static byte[] referenceVarLong(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    static byte[] referenceVarInt(int value) {
        return referenceVarLong(value & 0xFFFFFFFFL);
    }

    /** The JDK's UTF-8 (an unpaired surrogate becomes '?', the chars around it stay) after its length. */
    static byte[] referenceString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(referenceVarInt(utf8.length));
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    /** Writes with {@code write} into {@code kind} after {@code before} bytes; returns the bytes it added. */
    static byte[] written(Buffer kind, int before, Consumer<ByteBufWireWriter> write) {
        ByteBuf buf = kind.allocate(before);
        try {
            ByteBufWireWriter w = new ByteBufWireWriter(buf);
            write.accept(w);
            assertThat(w.writtenBytes()).isEqualTo(buf.writerIndex() - before);
            for (int i = 0; i < before; i++) {
                assertThat(buf.getByte(i)).as("byte %d written before", i).isEqualTo((byte) 0xA5);
            }
            return ByteBufUtil.getBytes(buf, before, buf.writerIndex() - before);
        } finally {
            buf.release();
        }
    }

    // ---- varints ----

    @Property
    void varIntsAreThePlainEncoding(@ForAll("ints") int value, @ForAll Buffer kind, @ForAll @IntRange(max = 20) int before) {
        if (value >= 0) {
            assertThat(written(kind, before, w -> w.writeVarInt(value))).isEqualTo(referenceVarInt(value));
        }
        assertThat(written(kind, before, w -> w.writeInt(value))).isEqualTo(referenceVarInt((value << 1) ^ (value >> 31)));
        assertThat(written(kind, before, w -> w.writeShort((short) value)))
                .isEqualTo(referenceVarInt((((short) value) << 1) ^ (((short) value) >> 31)));
        assertThat(written(kind, before, w -> w.writeChar((char) value))).isEqualTo(referenceVarInt((char) value));
        ByteBuf raw = kind.allocate(before);
        try {
            Varint.writeVarInt(raw, value);
            assertThat(ByteBufUtil.getBytes(raw, before, raw.writerIndex() - before)).isEqualTo(referenceVarInt(value));
        } finally {
            raw.release();
        }
    }

    @Property
    void varLongsAreThePlainEncoding(@ForAll("longs") long value, @ForAll Buffer kind, @ForAll @IntRange(max = 20) int before) {
        assertThat(written(kind, before, w -> w.writeVarLong(value))).isEqualTo(referenceVarLong(value));
        assertThat(written(kind, before, w -> w.writeLong(value))).isEqualTo(referenceVarLong((value << 1) ^ (value >> 63)));
        assertThat(Varint.sizeOf(value)).isEqualTo(referenceVarLong(value).length);
    }

    /** Every bit length from 0 to 64 equally often, so every varint size (1 to 10 bytes) is common. */
    @Provide
    Arbitrary<Long> longs() {
        return Combinators.combine(Arbitraries.integers().between(0, 64), Arbitraries.longs(), Arbitraries.of(true, false))
                .as((bits, random, negate) -> {
                    long v = bits == 64 ? random : bits == 0 ? 0 : (random & ((1L << bits) - 1)) | (1L << (bits - 1));
                    return negate ? -v : v;
                });
    }

    @Provide
    Arbitrary<Integer> ints() {
        return longs().map(Long::intValue);
    }

    @Test
    void varintsAtEveryCapacityEdge() {
        for (long value : new long[] {0, 1, 127, 128, 16_383, 16_384, 1L << 35, (1L << 56) - 1, 1L << 56, Long.MAX_VALUE, -1}) {
            byte[] expected = referenceVarLong(value);
            for (int before = 0; before <= 12; before++) {
                // The buffer can never grow past exactly the bytes needed.
                ByteBuf buf = Unpooled.buffer(before, before + expected.length);
                buf.writerIndex(before);
                new ByteBufWireWriter(buf).writeVarLong(value);
                assertThat(ByteBufUtil.getBytes(buf, before, expected.length)).isEqualTo(expected);
                assertThat(buf.writerIndex()).isEqualTo(before + expected.length);

                ByteBuf tooSmall = Unpooled.buffer(before, before + expected.length - 1);
                tooSmall.writerIndex(before);
                assertThatThrownBy(() -> new ByteBufWireWriter(tooSmall).writeVarLong(value))
                        .isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
    }

    // ---- records: a length before the content, moved right when it takes more than a byte ----

    @Property(tries = 300)
    void recordsAreTheirLengthThenTheirContent(@ForAll @IntRange(max = 20_000) int length, @ForAll Buffer kind,
                                               @ForAll @IntRange(max = 20) int before, @ForAll @IntRange(max = 2) int depth) {
        byte[] content = new byte[length];
        for (int i = 0; i < length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        // nested records: each level wraps the one inside it
        byte[] expected = content;
        for (int d = 0; d <= depth; d++) {
            ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
            wrapped.writeBytes(referenceVarInt(expected.length));
            wrapped.writeBytes(expected);
            expected = wrapped.toByteArray();
        }
        assertThat(written(kind, before, w -> {
            int[] starts = new int[depth + 1];
            for (int d = 0; d <= depth; d++) {
                starts[d] = w.beginRecord();
            }
            w.writeRaw(content, 0, length);
            for (int d = depth; d >= 0; d--) {
                w.endRecord(starts[d]);
            }
        })).isEqualTo(expected);
    }

    @Test
    void recordLengthsAtTheVarintBoundaries() {
        for (int length : new int[] {0, 1, 127, 128, 129, 16_383, 16_384, 2_097_152}) {
            recordsAreTheirLengthThenTheirContent(length, Buffer.SMALL_GROWING, 0, 0);
            recordsAreTheirLengthThenTheirContent(length, Buffer.COMPOSITE, 3, 1);
        }
    }

    // ---- strings ----

    @Property(tries = 300)
    void stringsAreTheJdksUtf8(@ForAll("strings") String s, @ForAll Buffer kind, @ForAll @IntRange(max = 20) int before) {
        assertThat(written(kind, before, w -> w.writeString(s))).isEqualTo(referenceString(s));
    }

    @Property(tries = 100)
    void wellFormedStringsAreStandardUtf8(@ForAll("strings") String s) {
        if (isWellFormed(s)) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(referenceVarInt(utf8.length));
            expected.writeBytes(utf8);
            assertThat(written(Buffer.HEAP, 0, w -> w.writeString(s))).isEqualTo(expected.toByteArray());
        }
    }

    /**
     * Mostly ASCII, with now and then any char at all (surrogates, paired or not, included), of
     * lengths on both sides of the one-byte (128) and two-byte (16,384) length prefixes.
     */
    @Provide
    Arbitrary<String> strings() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.chars().range('\0', '\u007f')),
                Tuple.of(1, Arbitraries.chars().range('\u0080', '\u07ff')),
                Tuple.of(1, Arbitraries.chars()),
                Tuple.of(2, Arbitraries.chars().range('\ud800', '\udfff')));
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 40)),
                Tuple.of(2, Arbitraries.integers().between(120, 135)),
                Tuple.of(1, Arbitraries.integers().between(16_375, 16_390)));
        Arbitrary<String> mixed = lengths.flatMap(n -> chars.list().ofSize(n)).map(ByteBufWireWriterTest::join);
        // All ASCII but (maybe) one char anywhere: the ASCII pass gives up at any position.
        Arbitrary<String> oneOther = Combinators.combine(
                lengths.flatMap(n -> Arbitraries.strings().withCharRange('\0', '\u007f').ofLength(n)),
                Arbitraries.chars(), Arbitraries.doubles().between(0, 1))
                .as((ascii, c, where) -> {
                    int at = (int) (where * ascii.length());
                    return ascii.substring(0, at) + c + ascii.substring(at);
                });
        return Arbitraries.oneOf(mixed, oneOther, lengths.flatMap(n -> Arbitraries.strings().withCharRange('\0', '\u007f').ofLength(n)));
    }

    private static String join(List<Character> chars) {
        StringBuilder b = new StringBuilder(chars.size());
        chars.forEach(b::append);
        return b.toString();
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whatever the string, the peer's reader takes it: as it was, with '?' for each unpaired surrogate. */
    @Property(tries = 300)
    void everyStringReadsBack(@ForAll("strings") String s, @ForAll Buffer kind) {
        ByteBuf buf = kind.allocate(0);
        try {
            new ByteBufWireWriter(buf).writeString(s);
            String read = new ByteBufWireReader(buf).readString();
            assertThat(read).isEqualTo(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            assertThat(buf.isReadable()).isFalse();
        } finally {
            buf.release();
        }
    }

    /** Pinned bytes, so that a change of encoder cannot slip by. */
    @Test
    void encodesKnownStrings() {
        assertThat(hex(w -> w.writeString(""))).isEqualTo("00");
        assertThat(hex(w -> w.writeString("ACME"))).isEqualTo("0441434d45");
        assertThat(hex(w -> w.writeString("é"))).isEqualTo("02c3a9");
        assertThat(hex(w -> w.writeString("a€"))).isEqualTo("0461e282ac");
        assertThat(hex(w -> w.writeString("\ud83d\ude00"))).isEqualTo("04f09f9880");
        // Unpaired surrogates: '?' each...
        assertThat(hex(w -> w.writeString("\ud800"))).isEqualTo("013f");
        assertThat(hex(w -> w.writeString("a\udc00b"))).isEqualTo("03613f62");
        assertThat(hex(w -> w.writeString("\ud800\ud800"))).isEqualTo("023f3f");
        // ... and the char after an unpaired high surrogate is itself (Netty's encoder wrote its low
        // byte only: invalid UTF-8 for "\ud800é", and the 中 lost from "\ud800中").
        assertThat(hex(w -> w.writeString("\ud800A"))).isEqualTo("023f41");
        assertThat(hex(w -> w.writeString("\ud800é"))).isEqualTo("033fc3a9");
        assertThat(hex(w -> w.writeString("\ud800中"))).isEqualTo("043fe4b8ad");
        assertThat(hex(w -> w.writeString("é\udc00\ud83d\ude00\ud800"))).isEqualTo("08c3a93ff09f98803f");
        assertThat(hex(w -> w.writeString("x".repeat(128)))).startsWith("8001787878");
    }

    @Test
    void stringsAtEveryCapacityEdge() {
        for (String s : new String[] {"", "A", "ACME", "x".repeat(127), "x".repeat(128), "abcé", "é" + "x".repeat(130), "x\ud800"}) {
            byte[] expected = referenceString(s);
            for (int before = 0; before <= 9; before++) {
                ByteBuf buf = Unpooled.buffer(before, before + expected.length);
                buf.writerIndex(before);
                new ByteBufWireWriter(buf).writeString(s);
                assertThat(ByteBufUtil.getBytes(buf, before, buf.writerIndex() - before)).as(s).isEqualTo(expected);

                if (expected.length > 1) {
                    ByteBuf tooSmall = Unpooled.buffer(before, before + expected.length - 1);
                    tooSmall.writerIndex(before);
                    assertThatThrownBy(() -> new ByteBufWireWriter(tooSmall).writeString(s))
                            .isInstanceOf(IndexOutOfBoundsException.class);
                }
            }
        }
    }

    @Test
    void aNonAsciiStringAfterOtherValuesLeavesThemAlone() {
        assertThat(hex(w -> {
            w.writeInt(-3);
            w.writeString("abc\u00ff");
            w.writeLong(1L << 40);
            w.writeString("xyz");
        })).isEqualTo("05" + "05616263c3bf" + "808080808040" + "0378797a");
    }

    private static String hex(Consumer<ByteBufWireWriter> write) {
        return ByteBufUtil.hexDump(written(Buffer.HEAP, 0, write));
    }
}
