package dev.hardlight.testing;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.SyncedState;
import dev.hardlight.Topic;

final class BoardHandler implements Board {
    static final Topic TOPIC = Topic.of("board");
    /** The ids of the {@link #hold} calls whose handler started (any connection). */
    static final java.util.Set<String> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The ids of the {@link #hold} calls whose handler was interrupted (any connection). */
    static final java.util.Set<String> INTERRUPTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
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
    public int hold(String id, int millis) throws InterruptedException {
        STARTED.add(id);
        try {
            Thread.sleep(millis);
            return millis;
        } catch (InterruptedException e) {
            INTERRUPTED.add(id);
            throw e;
        }
    }

    @Override
    public int missing() {
        throw new RpcException(Status.NOT_FOUND, "nothing here");
    }
}
