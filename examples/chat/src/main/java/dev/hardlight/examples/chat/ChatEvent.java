package dev.hardlight.examples.chat;

import java.time.Instant;

/** What happens in a room, sent on the room's topic. */
public sealed interface ChatEvent permits ChatEvent.Message, ChatEvent.Presence {
    /** {@code from} said {@code text} in {@code room} at {@code at} (the server's clock). */
    record Message(String room, String from, String text, Instant at) implements ChatEvent {}

    /** {@code user} came into {@code room} ({@code present}) or left it (by leaving or disconnecting). */
    record Presence(String room, String user, boolean present) implements ChatEvent {}
}
