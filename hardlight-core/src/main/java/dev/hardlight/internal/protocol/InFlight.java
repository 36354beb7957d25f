package dev.hardlight.internal.protocol;

/**
 * The protocol's limits on calls in flight, defined once for the sessions and both transports' options:
 * a connection's limit, announced in the hello, is 1 to {@value #MAX}, {@value #DEFAULT} by default
 * (docs/protocol.md, 3.1 HELLO).
 *
 * <p>Constants only; thread-safe.
 */
public final class InFlight {
    /** The largest limit of calls in flight a connection may have. */
    public static final int MAX = 65_535;
    /** The limit of calls in flight per connection when the application sets none, on either side. */
    public static final int DEFAULT = 256;

    private InFlight() {}

    /**
     * Checks a limit of calls in flight.
     *
     * @return {@code maxInFlight}
     * @throws IllegalArgumentException unless 1..{@value #MAX}
     */
    public static int check(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > MAX) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: 1.." + MAX + ")");
        }
        return maxInFlight;
    }
}
