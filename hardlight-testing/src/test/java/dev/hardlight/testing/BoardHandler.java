package dev.hardlight.testing;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.SyncedState;
import dev.hardlight.Topic;

final class BoardHandler implements Board {
    static final Topic TOPIC = Topic.of("board");
    private final Connection connection;
    private final SyncedState<Seen> state;
    private final EventEmitter<BoardEvent> events;

    BoardHandler(Connection connection) {
        this.connection = connection;
        this.state = connection.state(Seen.class);
        this.events = connection.events(BoardEvent.class);
        state.set(new Seen(0));
        connection.subscriptions().add(TOPIC);
    }

    @Override
    public int post(String text) {
        int n = state.update(s -> new Seen(s.posted() + 1)).posted();
        events.emit(TOPIC, new BoardEvent.Posted(connection.id(), text));
        return n;
    }

    @Override
    public int missing() {
        throw new RpcException(Status.NOT_FOUND, "nothing here");
    }
}
