package dev.hardlight.opentelemetry;

import dev.hardlight.Connection;
import dev.hardlight.Topic;

final class RoomHandler implements Room {
    private final Connection connection;

    RoomHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void join(String room) {
        connection.subscriptions().add(Topic.of(room));
    }

    @Override
    public int say(String room, String text) {
        return connection.events(RoomEvent.class).emit(Topic.of(room), new RoomEvent.Said(text));
    }
}
