package dev.hardlight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Per-call metadata: an ordered set of entries, each a key and a value, that a call carries next to its
 * arguments (request metadata) or its answer (response metadata). Request ids, W3C trace context
 * ({@code traceparent}), per-call tokens. Immutable and thread-safe; see {@code docs/protocol.md}
 * section 3.2 for the bytes.
 *
 * <p>Keys are lower-case ASCII tokens: 1 or more of {@code a-z 0-9 - _ .}, each key at most once. A key
 * ending in {@code -bin} holds bytes ({@link #getBinary}); every other key holds a string
 * ({@link #get}). At most {@link #MAX_ENTRIES} entries and {@link #MAX_SIZE} bytes in all (the UTF-8
 * bytes of every key and value added up): the builder refuses more with an
 * {@link IllegalArgumentException}, so what a peer sends is always within the limits the other side
 * enforces.
 *
 * <p>To send metadata with one call without changing the generated method's signature, attach it to
 * the calling thread for the calls made in a block:
 * <pre>{@code
 * try (Metadata.Scope s = Metadata.of("request-id", "42").attach()) {
 *     shop.order(item);            // carries request-id: 42
 * }
 * }</pre>
 */
public final class Metadata {
    /** The most entries one metadata block holds. */
    public static final int MAX_ENTRIES = 32;
    /** The most bytes one metadata block holds: the UTF-8 bytes of its keys and values added up. */
    public static final int MAX_SIZE = 8192;

    private static final Metadata EMPTY = new Metadata(new String[0], new Object[0], 0);
    private static final ThreadLocal<Metadata> ATTACHED = new ThreadLocal<>();
    /**
     * Whether any thread ever attached metadata. Until one does, {@link #attached()} skips the
     * thread-local: its first read on a thread (every new virtual thread that calls or emits) would
     * allocate the thread's map entry. A thread that attached sees its own write, which is all it needs.
     */
    private static volatile boolean everAttached;

    private final String[] keys;
    /** A {@code String} for a string key, a {@code byte[]} (never exposed) for a {@code -bin} key. */
    private final Object[] values;
    private final int size;

    private Metadata(String[] keys, Object[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.size = size;
    }

    /** No entries. */
    public static Metadata empty() {
        return EMPTY;
    }

    /** One string entry. @throws IllegalArgumentException for a bad key or a {@code -bin} key */
    public static Metadata of(String key, String value) {
        return builder().put(key, value).build();
    }

    /** A builder with no entries. */
    public static Builder builder() {
        return new Builder(EMPTY);
    }

    /** A builder starting with these entries. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The number of entries. */
    public int size() {
        return keys.length;
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The bytes this metadata counts against {@link #MAX_SIZE}. */
    public int byteSize() {
        return size;
    }

    /** The keys, in the order they were first put. */
    public List<String> keys() {
        return Collections.unmodifiableList(Arrays.asList(keys));
    }

    /**
     * The string value of {@code key}, or {@code null} when absent.
     *
     * @throws IllegalArgumentException if {@code key} ends in {@code -bin} (use {@link #getBinary})
     */
    public @Nullable String get(String key) {
        if (isBinaryKey(key)) {
            throw new IllegalArgumentException("'" + key + "' is a binary key: use getBinary");
        }
        int i = indexOf(key);
        return i < 0 ? null : (String) values[i];
    }

    /**
     * A copy of the bytes of {@code key}, or {@code null} when absent.
     *
     * @throws IllegalArgumentException if {@code key} does not end in {@code -bin}
     */
    public @Nullable byte[] getBinary(String key) {
        if (!isBinaryKey(key)) {
            throw new IllegalArgumentException("'" + key + "' is a string key: use get");
        }
        int i = indexOf(key);
        return i < 0 ? null : ((byte[]) values[i]).clone();
    }

    private int indexOf(String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code key} holds bytes: it ends in {@code -bin}. */
    public static boolean isBinaryKey(String key) {
        return key.endsWith("-bin");
    }

    /**
     * Why {@code key} is not a valid key, or {@code null} when it is: 1 or more of
     * {@code a-z 0-9 - _ .}.
     */
    public static @Nullable String keyProblem(String key) {
        if (key.isEmpty()) {
            return "empty key";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
                return "key '" + (key.length() > 64 ? key.substring(0, 64) + "..." : key)
                        + "' has a character outside a-z 0-9 - _ .";
            }
        }
        return null;
    }

    /**
     * Attaches these entries to the calling thread until the returned scope is closed: every call
     * started by this thread meanwhile carries them (after the entries of any scope around this one,
     * whose same keys these replace; client interceptors may add more). Close it on the same thread,
     * in a try-with-resources block.
     *
     * @throws IllegalArgumentException if merged with the enclosing scope's entries they exceed the limits
     */
    public Scope attach() {
        everAttached = true;
        Metadata outer = ATTACHED.get();
        Metadata merged = outer == null || outer.isEmpty() ? this : outer.toBuilder().putAll(this).build();
        ATTACHED.set(merged);
        return new Scope(outer);
    }

    /** The metadata attached to the calling thread ({@link #attach}), or {@link #empty()}. */
    public static Metadata attached() {
        if (!everAttached) {
            return EMPTY;
        }
        Metadata m = ATTACHED.get();
        return m == null ? EMPTY : m;
    }

    /** What {@link #attach} returns: closing it restores what was attached before. */
    public static final class Scope implements AutoCloseable {
        private final @Nullable Metadata previous;
        private boolean closed;

        private Scope(@Nullable Metadata previous) {
            this.previous = previous;
        }

        /** Restores the metadata attached before this scope. Closing twice does nothing. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                ATTACHED.remove();
            } else {
                ATTACHED.set(previous);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Metadata m) || m.keys.length != keys.length) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            if (!keys[i].equals(m.keys[i]) || !Objects.deepEquals(values[i], m.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < keys.length; i++) {
            h = 31 * h + keys[i].hashCode();
            h = 31 * h + (values[i] instanceof byte[] b ? Arrays.hashCode(b) : values[i].hashCode());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Metadata{");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(keys[i]).append('=');
            if (values[i] instanceof byte[] b) {
                sb.append(b.length).append(" bytes");
            } else {
                sb.append(values[i]);
            }
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link Metadata}; checks every key and the limits as entries are put. Not thread-safe. */
    public static final class Builder {
        private final List<String> keys = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();
        private int size;

        private Builder(Metadata from) {
            keys.addAll(Arrays.asList(from.keys));
            values.addAll(Arrays.asList(from.values));
            size = from.size;
        }

        /**
         * Puts a string entry, replacing the key's earlier value if any.
         *
         * @throws IllegalArgumentException for a bad key, a {@code -bin} key, or beyond the limits
         */
        public Builder put(String key, String value) {
            Objects.requireNonNull(value, "value");
            if (isBinaryKey(key)) {
                throw new IllegalArgumentException("'" + key + "' is a binary key: put bytes");
            }
            return putChecked(key, value, utf8Length(value));
        }

        /**
         * Puts a binary entry (copied), replacing the key's earlier value if any.
         *
         * @throws IllegalArgumentException for a bad key, a key not ending in {@code -bin}, or beyond the limits
         */
        public Builder put(String key, byte[] value) {
            Objects.requireNonNull(value, "value");
            if (!isBinaryKey(key)) {
                throw new IllegalArgumentException("'" + key + "' is a string key: binary keys end in -bin");
            }
            return putChecked(key, value.clone(), value.length);
        }

        /** Puts every entry of {@code other}, replacing the values of keys already here. */
        public Builder putAll(Metadata other) {
            for (int i = 0; i < other.keys.length; i++) {
                Object v = other.values[i];
                putChecked(other.keys[i], v, v instanceof byte[] b ? b.length : utf8Length((String) v));
            }
            return this;
        }

        private Builder putChecked(String key, Object value, int valueBytes) {
            String problem = keyProblem(Objects.requireNonNull(key, "key"));
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            int i = keys.indexOf(key);
            int old = i < 0 ? 0 : key.length() + byteLength(values.get(i));
            int newSize = size - old + key.length() + valueBytes;
            if (newSize > MAX_SIZE) {
                throw new IllegalArgumentException("metadata of " + newSize + " bytes; at most " + MAX_SIZE);
            }
            if (i < 0) {
                if (keys.size() == MAX_ENTRIES) {
                    throw new IllegalArgumentException("more than " + MAX_ENTRIES + " metadata entries");
                }
                keys.add(key);
                values.add(value);
            } else {
                values.set(i, value);
            }
            size = newSize;
            return this;
        }

        private static int byteLength(Object v) {
            return v instanceof byte[] b ? b.length : utf8Length((String) v);
        }

        private static int utf8Length(String s) {
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    n++;
                } else if (c < 0x800) {
                    n += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 4;
                    i++;
                } else {
                    n += 3; // lone surrogates become '?' (1 byte) in UTF-8; counting 3 only overestimates
                }
            }
            return n;
        }

        /** The metadata built so far. */
        public Metadata build() {
            if (keys.isEmpty()) {
                return EMPTY;
            }
            return new Metadata(keys.toArray(new String[0]), values.toArray(), size);
        }
    }
}
