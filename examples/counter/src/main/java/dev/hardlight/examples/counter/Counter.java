package dev.hardlight.examples.counter;

import dev.hardlight.Rpc;

/**
 * The counter service of the reference README: the whole contract between client and server. Each
 * connection has its own counter, kept in the connection state ({@link CounterState}).
 */
@Rpc(state = CounterState.class)
public interface Counter {
    /** Adds {@code amount} to this connection's counter and returns the new value. */
    int increment(int amount);

    /**
     * Subtracts {@code amount} and returns the new value.
     *
     * @throws CounterUnderflowException if the counter would go below zero (it is left unchanged)
     */
    int decrement(int amount) throws CounterUnderflowException;

    /** The current value. */
    int get();
}
