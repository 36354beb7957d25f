package dev.hardlight.netty;

import dev.hardlight.ConnectionState;
import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;
import java.util.List;

/** A contract with connection state and events, for the event tests. */
@Rpc(state = Chat.State.class, events = ChatEvent.class)
public interface Chat {
    /** The rooms this connection has joined, as the client sees them. */
    @ConnectionState
    record State(List<String> rooms) {}

    /** Subscribes this connection to {@code Topic.of(room)}. */
    @NonBlocking
    void join(String room);

    /** Unsubscribes this connection from the room's topic. */
    @NonBlocking
    void leave(String room);

    /** Emits {@code Said(room, text, seq)} on the room's topic; returns the number of recipients. */
    @NonBlocking
    int say(String room, String text);
}
