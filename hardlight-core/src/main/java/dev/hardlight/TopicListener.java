package dev.hardlight;

/**
 * The topic notifier: told when a topic gets its first subscriber and when it loses its last, so the
 * application can wire external event infrastructure (for example subscribe to a NATS subject while a
 * topic has subscribers here). One per server.
 *
 * <p>Called on a virtual thread, one change at a time, in the order the changes happened (a topic's
 * {@code Created} always before its {@code Removed}); never on an I/O thread, so it may block, and it
 * may emit events. An exception it throws is logged.
 *
 * <p>While it is busy, changes that cancel out are dropped: a topic created and removed again before
 * the listener was told of its creation is never told at all (and a {@code Removed} followed by a
 * {@code Created} not yet told both go). So what it hears always matches the topics that exist once
 * it has caught up, and a slow listener holds back at most one change per topic, however fast
 * topics come and go.
 */
@FunctionalInterface
public interface TopicListener {
    void topicChanged(TopicChange change);
}
