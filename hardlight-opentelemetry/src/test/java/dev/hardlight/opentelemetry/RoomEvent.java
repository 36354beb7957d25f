package dev.hardlight.opentelemetry;

/** The events of {@link Room}. */
public sealed interface RoomEvent {
    /** Someone said something in a room. */
    record Said(String text) implements RoomEvent {}
}
