package dev.hardlight.codec;

import dev.hardlight.Topic;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Built-in codecs and combinators. Generated code uses them for boxed values and containers; users
 * may use them to write a codec for a type of their own.
 *
 * <p>Decoded collections are unmodifiable and keep wire order ({@code Set} and {@code Map} iterate in
 * the order the sender's collection did). Elements, keys and values are non-null unless wrapped in
 * {@link #nullable}. All codecs here are immutable and thread-safe.
 */
public final class Codecs {
    private Codecs() {}

    public static final Codec<Boolean> BOOLEAN = of(WireWriter::writeBoolean, WireReader::readBoolean);
    public static final Codec<Byte> BYTE = of(WireWriter::writeByte, WireReader::readByte);
    public static final Codec<Short> SHORT = of(WireWriter::writeShort, WireReader::readShort);
    public static final Codec<Character> CHAR = of(WireWriter::writeChar, WireReader::readChar);
    public static final Codec<Integer> INT = of(WireWriter::writeInt, WireReader::readInt);
    public static final Codec<Long> LONG = of(WireWriter::writeLong, WireReader::readLong);
    public static final Codec<Float> FLOAT = of(WireWriter::writeFloat, WireReader::readFloat);
    public static final Codec<Double> DOUBLE = of(WireWriter::writeDouble, WireReader::readDouble);
    public static final Codec<String> STRING = of(WireWriter::writeString, WireReader::readString);
    public static final Codec<byte[]> BYTES = of(WireWriter::writeBytes, WireReader::readBytes);
    public static final Codec<Instant> INSTANT = of(WireWriter::writeInstant, WireReader::readInstant);
    public static final Codec<Duration> DURATION = of(WireWriter::writeDuration, WireReader::readDuration);
    public static final Codec<UUID> UUID = of(WireWriter::writeUuid, WireReader::readUuid);
    public static final Codec<Topic> TOPIC = of(WireWriter::writeTopic, WireReader::readTopic);

    /** Encodes nothing; decodes to {@code null}. The return codec of {@code void} methods. */
    public static final Codec<Void> VOID = new Codec<>() {
        @Override
        public void encode(Void value, WireWriter out) {}

        @Override
        public Void decode(WireReader in) {
            return null;
        }
    };

    /** A codec from two method references; {@code null} values are refused on encode. */
    public static <T> Codec<T> of(Encoder<T> encoder, Decoder<T> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new Codec<>() {
            @Override
            public void encode(T value, WireWriter out) {
                encoder.encode(out, WireWriter.requireValue(value, "value"));
            }

            @Override
            public T decode(WireReader in) {
                return decoder.decode(in);
            }
        };
    }

    /** A presence byte, then the value when present: allows {@code null}. */
    public static <T> Codec<T> nullable(Codec<T> codec) {
        Objects.requireNonNull(codec, "codec");
        return new Codec<>() {
            @Override
            public void encode(T value, WireWriter out) {
                out.writePresence(value != null);
                if (value != null) {
                    codec.encode(value, out);
                }
            }

            @Override
            public T decode(WireReader in) {
                return in.readPresence() ? codec.decode(in) : null;
            }
        };
    }

    /** Same bytes as {@link #nullable}: a presence byte, then the value when present. */
    public static <T> Codec<Optional<T>> optional(Codec<T> codec) {
        Objects.requireNonNull(codec, "codec");
        return new Codec<>() {
            @Override
            public void encode(Optional<T> value, WireWriter out) {
                WireWriter.requireValue(value, "Optional");
                out.writePresence(value.isPresent());
                value.ifPresent(v -> codec.encode(v, out));
            }

            @Override
            public Optional<T> decode(WireReader in) {
                return in.readPresence() ? Optional.of(codec.decode(in)) : Optional.empty();
            }
        };
    }

    /** A varint count, then each element. */
    public static <T> Codec<List<T>> list(Codec<T> element) {
        Objects.requireNonNull(element, "element");
        return new Codec<>() {
            @Override
            public void encode(List<T> value, WireWriter out) {
                WireWriter.requireValue(value, "List");
                int n = value.size();
                out.writeCount(n);
                if (value instanceof RandomAccess) {
                    // By index: no iterator to allocate (List.of, ArrayList, records' lists).
                    for (int i = 0; i < n; i++) {
                        element.encode(value.get(i), out);
                    }
                } else {
                    for (T e : value) {
                        element.encode(e, out);
                    }
                }
            }

            @Override
            public List<T> decode(WireReader in) {
                int n = in.readCount();
                List<T> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(element.decode(in));
                }
                return Collections.unmodifiableList(list);
            }
        };
    }

    /** A varint count, then each element; a repeated element on decode is malformed. */
    public static <T> Codec<Set<T>> set(Codec<T> element) {
        Objects.requireNonNull(element, "element");
        return new Codec<>() {
            @Override
            public void encode(Set<T> value, WireWriter out) {
                WireWriter.requireValue(value, "Set");
                out.writeCount(value.size());
                int lossy = out.lossyStrings();
                for (T e : value) {
                    element.encode(e, out);
                }
                if (out.lossyStrings() != lossy) {
                    requireDistinctAsSent(value, element, "elements of a Set");
                }
            }

            @Override
            public Set<T> decode(WireReader in) {
                int n = in.readCount();
                Set<T> set = LinkedHashSet.newLinkedHashSet(n);
                for (int i = 0; i < n; i++) {
                    if (!set.add(element.decode(in))) {
                        throw WireReader.malformed("duplicate element in a set");
                    }
                }
                return Collections.unmodifiableSet(set);
            }
        };
    }

    /** A varint count, then key and value of each entry; a repeated key on decode is malformed. */
    public static <K, V> Codec<Map<K, V>> map(Codec<K> key, Codec<V> value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return new Codec<>() {
            @Override
            public void encode(Map<K, V> map, WireWriter out) {
                WireWriter.requireValue(map, "Map");
                out.writeCount(map.size());
                int lossy = out.lossyStrings();
                for (Map.Entry<K, V> e : map.entrySet()) {
                    key.encode(e.getKey(), out);
                    value.encode(e.getValue(), out);
                }
                if (out.lossyStrings() != lossy) {
                    requireDistinctAsSent(map.keySet(), key, "keys of a Map");
                }
            }

            @Override
            public Map<K, V> decode(WireReader in) {
                int n = in.readCount();
                Map<K, V> map = LinkedHashMap.newLinkedHashMap(n);
                for (int i = 0; i < n; i++) {
                    K k = key.decode(in);
                    if (map.put(k, value.decode(in)) != null || map.size() != i + 1) {
                        throw WireReader.malformed("duplicate key in a map");
                    }
                }
                return Collections.unmodifiableMap(map);
            }
        };
    }

    /**
     * Throws {@link RepeatedValueException} if two of {@code values} encode to the same bytes. Only
     * after a string in them lost an unpaired surrogate (the one way distinct Java values are sent alike),
     * so the common path never pays for it.
     */
    private static <T> void requireDistinctAsSent(Iterable<T> values, Codec<T> codec, String what) {
        Set<ByteBuffer> seen = new HashSet<>();
        ByteBuf scratch = Unpooled.buffer();
        try {
            for (T v : values) {
                scratch.clear();
                codec.encode(v, new ByteBufWireWriter(scratch));
                if (!seen.add(ByteBuffer.wrap(ByteBufUtil.getBytes(scratch)))) {
                    String shown = String.valueOf(v);
                    throw new RepeatedValueException("two " + what + " are sent as the same value ("
                            + (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown)
                            + "): an unpaired surrogate in a string is sent as '?', and no reader accepts a repeat");
                }
            }
        } finally {
            scratch.release();
        }
    }

    /** An array of a reference type: the same bytes as a list. */
    public static <T> Codec<T[]> array(Codec<T> element, IntFunction<T[]> newArray) {
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(newArray, "newArray");
        return new Codec<>() {
            @Override
            public void encode(T[] value, WireWriter out) {
                WireWriter.requireValue(value, "array");
                out.writeCount(value.length);
                for (T e : value) {
                    element.encode(e, out);
                }
            }

            @Override
            public T[] decode(WireReader in) {
                int n = in.readCount();
                T[] a = newArray.apply(n);
                for (int i = 0; i < n; i++) {
                    a[i] = element.decode(in);
                }
                return a;
            }
        };
    }

    /** {@code boolean[]}: a count, then each element as its {@code boolean} encoding. */
    public static final Codec<boolean[]> BOOLEAN_ARRAY = new Codec<>() {
        @Override
        public void encode(boolean[] value, WireWriter out) {
            WireWriter.requireValue(value, "boolean[]");
            out.writeCount(value.length);
            for (boolean e : value) {
                out.writeBoolean(e);
            }
        }

        @Override
        public boolean[] decode(WireReader in) {
            int n = in.readCount();
            boolean[] a = new boolean[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readBoolean();
            }
            return a;
        }
    };

    /** {@code short[]}: a count, then each element as its {@code short} encoding. */
    public static final Codec<short[]> SHORT_ARRAY = new Codec<>() {
        @Override
        public void encode(short[] value, WireWriter out) {
            WireWriter.requireValue(value, "short[]");
            out.writeCount(value.length);
            for (short e : value) {
                out.writeShort(e);
            }
        }

        @Override
        public short[] decode(WireReader in) {
            int n = in.readCount();
            short[] a = new short[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readShort();
            }
            return a;
        }
    };

    /** {@code char[]}: a count, then each element as its {@code char} encoding. */
    public static final Codec<char[]> CHAR_ARRAY = new Codec<>() {
        @Override
        public void encode(char[] value, WireWriter out) {
            WireWriter.requireValue(value, "char[]");
            out.writeCount(value.length);
            for (char e : value) {
                out.writeChar(e);
            }
        }

        @Override
        public char[] decode(WireReader in) {
            int n = in.readCount();
            char[] a = new char[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readChar();
            }
            return a;
        }
    };

    /** {@code int[]}: a count, then each element as its {@code int} encoding. */
    public static final Codec<int[]> INT_ARRAY = new Codec<>() {
        @Override
        public void encode(int[] value, WireWriter out) {
            WireWriter.requireValue(value, "int[]");
            out.writeCount(value.length);
            for (int e : value) {
                out.writeInt(e);
            }
        }

        @Override
        public int[] decode(WireReader in) {
            int n = in.readCount();
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readInt();
            }
            return a;
        }
    };

    /** {@code long[]}: a count, then each element as its {@code long} encoding. */
    public static final Codec<long[]> LONG_ARRAY = new Codec<>() {
        @Override
        public void encode(long[] value, WireWriter out) {
            WireWriter.requireValue(value, "long[]");
            out.writeCount(value.length);
            for (long e : value) {
                out.writeLong(e);
            }
        }

        @Override
        public long[] decode(WireReader in) {
            int n = in.readCount();
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readLong();
            }
            return a;
        }
    };

    /** {@code float[]}: a count, then each element as its {@code float} encoding. */
    public static final Codec<float[]> FLOAT_ARRAY = new Codec<>() {
        @Override
        public void encode(float[] value, WireWriter out) {
            WireWriter.requireValue(value, "float[]");
            out.writeCount(value.length);
            for (float e : value) {
                out.writeFloat(e);
            }
        }

        @Override
        public float[] decode(WireReader in) {
            int n = in.readCount();
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readFloat();
            }
            return a;
        }
    };

    /** {@code double[]}: a count, then each element as its {@code double} encoding. */
    public static final Codec<double[]> DOUBLE_ARRAY = new Codec<>() {
        @Override
        public void encode(double[] value, WireWriter out) {
            WireWriter.requireValue(value, "double[]");
            out.writeCount(value.length);
            for (double e : value) {
                out.writeDouble(e);
            }
        }

        @Override
        public double[] decode(WireReader in) {
            int n = in.readCount();
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readDouble();
            }
            return a;
        }
    };

    /** Writes one value; for {@link #of}. */
    @FunctionalInterface
    public interface Encoder<T> {
        void encode(WireWriter out, T value);
    }

    /** Reads one value; for {@link #of}. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(WireReader in);
    }
}
