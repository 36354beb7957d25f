package dev.hardlight;

/**
 * The topic notifier: told when a topic gets its first subscriber and when it loses its last, so the
 * application can wire external event infrastructure (for example subscribe to a NATS subject while a
 * topic has subscribers here). One per server.
 *
 * <p>Called on a virtual thread, one change at a time, in the order the changes happened (a topic's
 * {@code Created} always before its {@code Removed}); never on an I/O thread, so it may block, and it
 * may emit events. An exception it throws is logged.
 */
@FunctionalInterface
public interface TopicListener {
    void topicChanged(TopicChange change);
}
