package dev.hardlight.bench;

import dev.hardlight.Connection;
import dev.hardlight.Topic;

/** The HardLight server side of {@link Incrementer}: no state, so every system does the same work. */
final class IncrementerHandler implements Incrementer {
    static final Topic FANOUT = Topic.of("fanout");

    private final Connection connection;

    IncrementerHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    public int increment(int amount) {
        return amount + 1;
    }

    @Override
    public void subscribe() {
        connection.subscriptions().add(FANOUT);
    }
}
