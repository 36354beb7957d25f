package dev.hardlight.nats;

import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;

/** A contract with events, for the cluster tests: rooms are topics. */
@Rpc(events = RoomEvent.class)
public interface Room {
    /** Subscribes this connection to {@code Topic.of(room)}. */
    @NonBlocking
    void join(String room);

    /** Unsubscribes this connection from the room's topic. */
    @NonBlocking
    void leave(String room);

    /** Emits {@code Said(room, from, seq)} on the room's topic; returns the local recipients. */
    @NonBlocking
    int say(String room, String from, int seq);

    /**
     * Emits {@code count} events {@code Said(room, <System.nanoTime() at the emit>, seq)} on the room's
     * topic, {@code perMillisecond} at a time then a 1 ms pause (for the fan-out benchmark); returns the
     * local deliveries.
     */
    long burst(String room, int count, int perMillisecond);

    /** This node process's CPU time in ns (for the fan-out benchmark). */
    long cpuNanos();

    /** Returns {@code n}: a call for the rolling-restart and failover tests. */
    int echo(int n);
}
