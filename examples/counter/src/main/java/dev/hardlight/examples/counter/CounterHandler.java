package dev.hardlight.examples.counter;

import dev.hardlight.Connection;
import dev.hardlight.SyncedState;

/**
 * One instance per connection. The counter is the connection's state: every change reaches the
 * client by itself, before the result of the call that made it. Calls may run concurrently; state
 * updates are atomic.
 */
public final class CounterHandler implements Counter {
    private final Connection connection;
    private final SyncedState<CounterState> state;

    public CounterHandler(Connection connection) {
        this.connection = connection;
        this.state = connection.state(CounterState.class);
    }

    @Override
    public int increment(int amount) {
        return state.update(s -> new CounterState(s.counter() + amount)).counter();
    }

    @Override
    public int decrement(int amount) throws CounterUnderflowException {
        int[] before = new int[1];
        CounterState after = state.update(s -> {
            before[0] = s.counter();
            return s.counter() >= amount ? new CounterState(s.counter() - amount) : s;
        });
        if (before[0] < amount) {
            throw new CounterUnderflowException("counter of connection " + connection.id() + " is " + before[0]
                    + "; cannot take " + amount);
        }
        return after.counter();
    }

    @Override
    public int get() {
        return state.get().counter();
    }
}
