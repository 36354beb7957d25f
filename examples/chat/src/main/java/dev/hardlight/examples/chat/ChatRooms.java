package dev.hardlight.examples.chat;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in which room, shared by the connections of one server. A member leaves a room by
 * {@link Chat#leave} or by disconnecting: each signed-in connection subscribes to a topic of its own
 * ({@link #presenceTopic}), and when the server's topic notifier says that topic lost its last (only)
 * subscriber, the connection is gone. Thread-safe: every method holds this object's lock (emitting
 * an event never blocks).
 */
final class ChatRooms {
    private static final String PRESENCE_PREFIX = "presence:";

    private record Member(String name, Connection connection) {}

    private final int capacity;
    /** room name -> connection id -> member, in order of arrival. */
    private final Map<String, Map<Long, Member>> rooms = new HashMap<>();
    private EventEmitter<ChatEvent> events;

    ChatRooms(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("room capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** The server's emitter, for the presence events of connections that are gone. */
    synchronized void events(EventEmitter<ChatEvent> events) {
        this.events = events;
    }

    static Topic roomTopic(String room) {
        return Topic.of("room:" + room);
    }

    /** The topic only {@code connection} subscribes to: its removal says the connection is gone. */
    static Topic presenceTopic(Connection connection) {
        return Topic.of(PRESENCE_PREFIX + connection.id());
    }

    /** Adds the member and returns the names in the room, or refuses when the room is full. */
    synchronized List<String> join(String room, Connection connection, String name) throws RoomFullException {
        Map<Long, Member> members = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>());
        members.values().removeIf(m -> !m.connection().isOpen()); // gone, and not yet told
        Member previous = members.get(connection.id());
        if (previous == null && members.size() >= capacity) {
            throw new RoomFullException("room " + room + " is full (" + capacity + " members)");
        }
        members.put(connection.id(), new Member(name, connection));
        return names(members);
    }

    /** Removes the member; whether it was in the room. */
    synchronized boolean leave(String room, long connectionId) {
        Map<Long, Member> members = rooms.get(room);
        if (members == null || members.remove(connectionId) == null) {
            return false;
        }
        if (members.isEmpty()) {
            rooms.remove(room);
        }
        return true;
    }

    /** From the server's topic notifier: a connection's own topic was removed, so it is gone. */
    void onTopicChange(TopicChange change) {
        if (!(change instanceof TopicChange.Removed removed)) {
            return;
        }
        String name = removed.topic().asString();
        if (name != null && name.startsWith(PRESENCE_PREFIX)) {
            gone(Long.parseLong(name.substring(PRESENCE_PREFIX.length())));
        }
    }

    private synchronized void gone(long connectionId) {
        for (var it = rooms.entrySet().iterator(); it.hasNext(); ) {
            var room = it.next();
            Member m = room.getValue().remove(connectionId);
            if (m != null && events != null) {
                events.emit(roomTopic(room.getKey()), new ChatEvent.Presence(room.getKey(), m.name(), false));
            }
            if (room.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    private static List<String> names(Map<Long, Member> members) {
        List<String> names = new ArrayList<>();
        for (Member m : members.values()) {
            names.add(m.name());
        }
        return names;
    }
}
