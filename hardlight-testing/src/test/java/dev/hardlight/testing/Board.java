package dev.hardlight.testing;

import dev.hardlight.ConnectionState;
import dev.hardlight.Rpc;

/** A small service with state and events, for the test kit's own tests. */
@Rpc(state = Board.Seen.class, events = BoardEvent.class)
public interface Board {
    /** Posts {@code text} to every connection (topic "board"), counts it in the poster's state; returns the count. */
    int post(String text);

    /** Fails with {@code RpcException(NOT_FOUND)}. */
    int missing();

    /**
     * Waits {@code millis} and returns it; when interrupted first (the call was cancelled or its deadline
     * passed), records {@code id} in {@code BoardHandler.INTERRUPTED} and throws.
     */
    int hold(String id, int millis) throws InterruptedException;

    @ConnectionState
    record Seen(int posted) {}
}
