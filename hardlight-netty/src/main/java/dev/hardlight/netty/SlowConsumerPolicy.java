package dev.hardlight.netty;

/**
 * What a server does with an event for a connection that is not reading fast enough: one whose
 * queued-but-unwritten outbound bytes are over the {@link ServerBuilder#outboundHighWaterMark(int)
 * high-water mark}. Emitting never blocks on such a connection, and its memory stays bounded.
 *
 * <p>Only events are subject to the policy: RPC answers and state deltas are always queued (they are
 * bounded by the in-flight limit, and the server stops reading calls from a connection whose output
 * is not being read).
 */
public enum SlowConsumerPolicy {
    /**
     * The default: the event is dropped for that connection only, and counted; the next event the
     * connection does receive tells the client how many it missed ({@code Event.missedBefore()}). The
     * connection stays open.
     */
    DROP_EVENTS,

    /**
     * The connection is closed with 1008 ({@code "slow consumer: ..."}): its client sees
     * {@code CONNECTION_LOST} and may reconnect. For applications where a gap in the events is worse
     * than a reconnect.
     */
    DISCONNECT
}
