package dev.hardlight.netty;

/** The events of {@link Chat}. */
public sealed interface ChatEvent {
    /** Someone said something in a room; {@code seq} numbers the room's messages. */
    record Said(String room, String text, int seq) implements ChatEvent {}

    /** Sent by the server itself, e.g. by the topic listener when a room is created. */
    record ServerSent(String room, String note) implements ChatEvent {}
}
