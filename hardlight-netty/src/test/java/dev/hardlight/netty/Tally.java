package dev.hardlight.netty;

import dev.hardlight.ConnectionState;
import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;
import java.util.List;

/** A contract with connection state, for the state-sync tests. */
@Rpc(state = Tally.State.class)
public interface Tally {
    /** Everything the client sees of its connection. */
    @ConnectionState
    record State(int counter, String user, List<String> log) {}

    /** Adds to the counter; returns the new value. */
    @NonBlocking
    int increment(int amount);

    /** Changes the user name only. */
    @NonBlocking
    void rename(String user);

    /** Whether the server-side attachment is the expected secret (it stays on the server). */
    boolean hasSecret();
}
