package dev.hardlight.netty;

import dev.hardlight.ConnectionState;
import dev.hardlight.Idempotent;
import dev.hardlight.Rpc;

/** A contract for the reconnect tests: which server answers, idempotent and other slow calls, events. */
@Rpc(state = Ledger.State.class, events = Ledger.Note.class)
public interface Ledger {
    /**
     * @param server the id of the server process this connection reached
     * @param connection numbers the server's connections from 1
     */
    @ConnectionState
    record State(String server, int connection) {}

    /** The events, on the topic "ledger", which every connection is subscribed to. */
    sealed interface Note {}

    /** Emitted by {@link #post}. */
    record Posted(String server, int amount) implements Note {}

    /** The server's id. */
    @Idempotent
    String whoAmI();

    /** Emits {@code Posted(server, amount)}; returns the number of recipients. Not idempotent. */
    int post(int amount);

    /** Waits {@code millis}, then returns the server's id. */
    @Idempotent
    String slowRead(int millis) throws InterruptedException;

    /** Waits {@code millis}, then returns {@code amount}. Not idempotent. */
    int slowPost(int amount, int millis) throws InterruptedException;
}
