package dev.hardlight.opentelemetry;

import dev.hardlight.Rpc;

/** A contract with events, for the event-link tests. */
@Rpc(events = RoomEvent.class)
public interface Room {
    /** Subscribes this connection to {@code Topic.of(room)}. */
    void join(String room);

    /** Emits {@code Said(text)} on the room's topic; returns the number of recipients. */
    int say(String room, String text);
}
