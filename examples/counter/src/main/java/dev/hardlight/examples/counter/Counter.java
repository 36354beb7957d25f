package dev.hardlight.examples.counter;

import dev.hardlight.Rpc;

/**
 * The counter service of the reference example: the whole contract between client and server. Each
 * connection has its own counter in its connection state ({@link CounterState}); changes are announced
 * as {@link CounterEvent}s on the counter's topic.
 */
@Rpc(state = CounterState.class, events = CounterEvent.class)
public interface Counter {
    /** Creates a new counter at 0 on a fresh random topic and subscribes this connection to it. */
    void newCounter();

    /** Adds {@code amount}, emits {@link CounterEvent.Incremented} and returns the new value. */
    int increment(int amount);

    /**
     * Subtracts {@code amount}, emits {@link CounterEvent.Decremented} and returns the new value.
     *
     * @throws CounterUnderflowException if the counter would go below zero (it is left unchanged)
     */
    int decrement(int amount) throws CounterUnderflowException;

    /** The current value. */
    int get();
}
