package dev.hardlight.examples.counter;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.SyncedState;
import dev.hardlight.Topic;

/**
 * One instance per connection. The counter is the connection's state: every change reaches the
 * client by itself, before the result of the call that made it. Calls may run concurrently; state
 * updates are atomic.
 */
public final class CounterHandler implements Counter {
    private final Connection connection;
    private final SyncedState<CounterState> state;
    private final EventEmitter<CounterEvent> events;

    public CounterHandler(Connection connection) {
        this.connection = connection;
        this.state = connection.state(CounterState.class);
        this.events = connection.events(CounterEvent.class);
    }

    @Override
    public void newCounter() {
        Topic fresh = Topic.random();
        Topic[] old = new Topic[1];
        state.update(s -> {
            old[0] = s.topic();
            return new CounterState(0, fresh);
        });
        if (!old[0].isEmpty()) {
            connection.subscriptions().remove(old[0]); // the previous counter's topic is no longer ours
        }
        connection.subscriptions().add(fresh);
    }

    @Override
    public int increment(int amount) {
        int[] from = new int[1];
        CounterState after = state.update(s -> {
            from[0] = s.counter();
            return new CounterState(s.counter() + amount, s.topic());
        });
        events.emit(after.topic(), new CounterEvent.Incremented(after.counter(), from[0]));
        return after.counter();
    }

    @Override
    public int decrement(int amount) throws CounterUnderflowException {
        int[] from = new int[1];
        CounterState after = state.update(s -> {
            from[0] = s.counter();
            return s.counter() >= amount ? new CounterState(s.counter() - amount, s.topic()) : s;
        });
        if (from[0] < amount) {
            throw new CounterUnderflowException("counter of connection " + connection.id() + " is " + from[0]
                    + "; cannot take " + amount);
        }
        events.emit(after.topic(), new CounterEvent.Decremented(after.counter(), from[0]));
        return after.counter();
    }

    @Override
    public int get() {
        return state.get().counter();
    }
}
