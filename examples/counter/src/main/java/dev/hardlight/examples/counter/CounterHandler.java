package dev.hardlight.examples.counter;

import dev.hardlight.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/** One instance per connection: each client has a counter of its own. Calls may run concurrently. */
public final class CounterHandler implements Counter {
    private final Connection connection;
    private final AtomicInteger counter = new AtomicInteger();

    public CounterHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    public int increment(int amount) {
        return counter.addAndGet(amount);
    }

    @Override
    public int decrement(int amount) throws CounterUnderflowException {
        while (true) {
            int current = counter.get();
            int next = current - amount;
            if (next < 0) {
                throw new CounterUnderflowException("counter of connection " + connection.id() + " is " + current
                        + "; cannot take " + amount);
            }
            if (counter.compareAndSet(current, next)) {
                return next;
            }
        }
    }

    @Override
    public int get() {
        return counter.get();
    }
}
