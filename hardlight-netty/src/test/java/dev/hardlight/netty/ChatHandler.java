package dev.hardlight.netty;

import dev.hardlight.Connection;
import dev.hardlight.SyncedState;
import dev.hardlight.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The server side of {@link Chat}: rooms are topics, subscribed by {@code join}. */
final class ChatHandler implements Chat {
    /** Numbers the messages said through handlers, over the whole server. */
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Connection connection;
    private final SyncedState<State> state;

    ChatHandler(Connection connection) {
        this.connection = connection;
        this.state = connection.state(State.class);
        state.set(new State(List.of()));
    }

    @Override
    public void join(String room) {
        if (connection.subscriptions().add(Topic.of(room))) {
            state.update(s -> {
                List<String> rooms = new ArrayList<>(s.rooms());
                rooms.add(room);
                return new State(rooms);
            });
        }
    }

    @Override
    public void leave(String room) {
        if (connection.subscriptions().remove(Topic.of(room))) {
            state.update(s -> {
                List<String> rooms = new ArrayList<>(s.rooms());
                rooms.remove(room);
                return new State(rooms);
            });
        }
    }

    @Override
    public int say(String room, String text) {
        return connection.events(ChatEvent.class).emit(Topic.of(room), new ChatEvent.Said(room, text, SEQ.incrementAndGet()));
    }
}
