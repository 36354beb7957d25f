package dev.hardlight.browser;

/** The events of {@link Lab}. */
public sealed interface LabEvent permits LabEvent.Said, LabEvent.Joined {
    /** {@code text} was said in {@code room}; {@code seq} counts the server's messages. */
    record Said(String room, String text, long seq) implements LabEvent {}

    /** {@code user} joined {@code room}. */
    record Joined(String room, String user) implements LabEvent {}
}
