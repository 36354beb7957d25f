package dev.hardlight.examples.chat;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.SyncedState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One per connection. Calls of one connection may run concurrently; the state updates are atomic and
 * the shared {@link ChatRooms} keeps its own lock.
 */
final class ChatHandler implements Chat {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,24}");
    static final int MAX_TEXT = 500;

    private final Connection connection;
    private final ChatRooms rooms;
    private final SyncedState<ChatState> state;
    private final EventEmitter<ChatEvent> events;

    ChatHandler(Connection connection, ChatRooms rooms) {
        this.connection = connection;
        this.rooms = rooms;
        this.state = connection.state(ChatState.class);
        this.events = connection.events(ChatEvent.class);
        // presence: however the connection ends (tab closed, network lost, server shutdown), its member leaves
        connection.onClose(reason -> rooms.gone(connection.id(), events));
    }

    private static String checkName(String what, String name) throws InvalidNameException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidNameException(what + " '" + (name == null ? "" : name.length() > 40 ? name.substring(0, 40) + "..." : name)
                    + "' is not 1 to 24 letters, digits, '-' or '_'");
        }
        return name;
    }

    @Override
    public String login(String name) throws InvalidNameException {
        checkName("name", name);
        state.update(s -> new ChatState(name, s.rooms()));
        connection.features().enable("member");
        return name;
    }

    @Override
    public List<String> join(String room) throws RoomFullException, InvalidNameException {
        checkName("room", room);
        String user = state.get().user();
        List<String> members = rooms.join(room, connection, user);
        connection.subscriptions().add(ChatRooms.roomTopic(room));
        boolean[] arrived = new boolean[1];
        state.update(s -> {
            arrived[0] = !s.rooms().contains(room);
            return arrived[0] ? new ChatState(s.user(), append(s.rooms(), room)) : s;
        });
        if (arrived[0]) {
            events.emit(ChatRooms.roomTopic(room), new ChatEvent.Presence(room, user, true));
        }
        return members;
    }

    @Override
    public void leave(String room) {
        if (!rooms.leave(room, connection.id())) {
            return;
        }
        connection.subscriptions().remove(ChatRooms.roomTopic(room));
        state.update(s -> {
            List<String> left = new ArrayList<>(s.rooms());
            left.remove(room);
            return new ChatState(s.user(), left);
        });
        events.emit(ChatRooms.roomTopic(room), new ChatEvent.Presence(room, state.get().user(), false));
    }

    @Override
    public boolean send(String room, String text) {
        ChatState s = state.get();
        if (!s.rooms().contains(room)) {
            return false;
        }
        String cut = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        events.emit(ChatRooms.roomTopic(room), new ChatEvent.Message(room, s.user(), cut, Instant.now()));
        return true;
    }

    private static List<String> append(List<String> list, String item) {
        List<String> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }
}
