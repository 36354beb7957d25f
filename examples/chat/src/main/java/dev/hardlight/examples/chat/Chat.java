package dev.hardlight.examples.chat;

import dev.hardlight.Requires;
import dev.hardlight.Rpc;
import java.util.List;

/**
 * The chat service of the browser example: sign in (which enables the "member" feature the other
 * methods require), join rooms, talk. Who you are and which rooms you are in is the connection state
 * ({@link ChatState}); messages and presence arrive as {@link ChatEvent}s on each room's topic.
 */
@Rpc(state = ChatState.class, events = ChatEvent.class)
public interface Chat {
    /**
     * Signs in as {@code name} (1 to 24 letters, digits, '-' or '_'): puts it in the connection state
     * and enables the "member" feature. Signing in again changes the name for the rooms joined later.
     *
     * @throws InvalidNameException if the name is not acceptable
     */
    String login(String name) throws InvalidNameException;

    /**
     * Joins {@code room} (its events start arriving) and returns who is in it, this user included.
     * The others see a {@link ChatEvent.Presence} event.
     *
     * @throws RoomFullException if the room already has as many members as it may
     * @throws InvalidNameException if the room name is not acceptable (same rule as user names)
     */
    @Requires("member")
    List<String> join(String room) throws RoomFullException, InvalidNameException;

    /** Leaves {@code room}; the others see a {@link ChatEvent.Presence} event. Does nothing if not in it. */
    @Requires("member")
    void leave(String room);

    /**
     * Sends {@code text} (at most 500 characters; longer is cut) to {@code room}, as a
     * {@link ChatEvent.Message} every member receives, the sender included. Returns false, sending
     * nothing, when this connection is not in the room.
     */
    @Requires("member")
    boolean send(String room, String text);
}
