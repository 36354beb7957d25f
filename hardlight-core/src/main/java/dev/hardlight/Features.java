package dev.hardlight;

import java.util.Set;

/**
 * The features enabled on one connection: which {@link Requires}-gated methods it may call. The first
 * set comes from the server's {@link Authenticator} (empty without one); handlers change it during the
 * connection, for example {@code login} enabling {@code "authenticated"}.
 *
 * <p>The set is visible to the client: every change is sent to it, in order with state changes, and
 * before the result of the call that made it. Thread-safe.
 */
public interface Features {
    /** Whether {@code feature} is enabled. */
    boolean has(String feature);

    /** Enables features; sends the new set to the client if it changed. */
    void enable(String... features);

    /** Disables features; sends the new set to the client if it changed. */
    void disable(String... features);

    /** A snapshot of the enabled features. */
    Set<String> current();

    /** Checks a feature name: 1 to 64 characters of letters, digits, '.', '_', '-' or ':'. */
    static String checkName(String feature) {
        if (feature == null || feature.isEmpty() || feature.length() > 64
                || !feature.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' || c == ':')) {
            throw new IllegalArgumentException("feature: \"" + feature
                    + "\" (expected: 1 to 64 characters of ASCII letters, digits, '.', '_', '-' or ':')");
        }
        return feature;
    }
}
