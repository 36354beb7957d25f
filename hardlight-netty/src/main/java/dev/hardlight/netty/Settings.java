package dev.hardlight.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the option values of this package share: their argument checks, with one message shape
 * ({@code "name: value (expected: > 0)"}), and their copying.
 */
final class Settings {
    private Settings() {}

    /**
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException unless {@code d} is positive
     */
    static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    /** @throws IllegalArgumentException unless {@code n} is positive */
    static int positive(String name, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException(name + ": " + n + " (expected: > 0)");
        }
        return n;
    }

    /** {@code list} and then {@code item}, as a new unmodifiable list: settings hold no mutable collection. */
    static <T> List<T> append(List<T> list, T item) {
        List<T> more = new ArrayList<>(list);
        more.add(item);
        return List.copyOf(more);
    }

    /**
     * Settings whose fields are all immutable (collections included, see {@link #append}), so a copy of
     * the fields is a copy of the settings: what a builder starts from and what an options value keeps.
     */
    abstract static class Copyable<T extends Copyable<T>> implements Cloneable {
        @SuppressWarnings("unchecked")
        final T copy() {
            try {
                return (T) super.clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
