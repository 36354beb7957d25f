package dev.hardlight.examples.chat;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in which room, shared by the connections of one server. A member leaves a room by
 * {@link Chat#leave} or by disconnecting: each handler registers {@link #gone} as its connection's
 * close hook ({@link Connection#onClose}), which runs once however the connection ends, after its
 * calls were answered (so no {@code join} of it can come later). Thread-safe: every method holds this
 * object's lock (emitting an event never blocks).
 */
final class ChatRooms {
    private record Member(String name) {}

    private final int capacity;
    /** room name -> connection id -> member, in order of arrival. */
    private final Map<String, Map<Long, Member>> rooms = new HashMap<>();

    ChatRooms(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("room capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    static Topic roomTopic(String room) {
        return Topic.of("room:" + room);
    }

    /** Adds the member and returns the names in the room, or refuses when the room is full. */
    synchronized List<String> join(String room, Connection connection, String name) throws RoomFullException {
        Map<Long, Member> members = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>());
        Member previous = members.get(connection.id());
        if (previous == null && members.size() >= capacity) {
            throw new RoomFullException("room " + room + " is full (" + capacity + " members)");
        }
        members.put(connection.id(), new Member(name));
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

    /**
     * The connection has ended: it leaves every room it was in, and each room's other members are told
     * by a {@link ChatEvent.Presence} event on {@code events}.
     */
    synchronized void gone(long connectionId, EventEmitter<ChatEvent> events) {
        for (var it = rooms.entrySet().iterator(); it.hasNext(); ) {
            var room = it.next();
            Member m = room.getValue().remove(connectionId);
            if (m != null) {
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
