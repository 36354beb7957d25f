package dev.hardlight.bench;

import dev.hardlight.Rpc;

/**
 * The benchmarked contract: the unary call every system implements ({@code increment(int) -> int}),
 * and a topic to fan events out to.
 */
@Rpc(events = Tick.class)
public interface Incrementer {
    /** Returns {@code amount + 1}. */
    int increment(int amount);

    /** Subscribes this connection to {@link IncrementerHandler#FANOUT}. */
    void subscribe();
}
