package dev.hardlight;

/**
 * A topic gained its first subscriber ({@link Created}) or lost its last ({@link Removed}, also when
 * the last subscriber disconnects). Delivered to the server's {@link TopicListener}.
 */
public sealed interface TopicChange permits TopicChange.Created, TopicChange.Removed {
    Topic topic();

    record Created(Topic topic) implements TopicChange {}

    record Removed(Topic topic) implements TopicChange {}
}
