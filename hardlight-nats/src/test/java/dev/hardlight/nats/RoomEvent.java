package dev.hardlight.nats;

/** The events of {@link Room}. */
public sealed interface RoomEvent {
    record Said(String room, String from, int seq) implements RoomEvent {}
}
