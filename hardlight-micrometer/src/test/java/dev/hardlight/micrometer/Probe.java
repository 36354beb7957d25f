package dev.hardlight.micrometer;

import dev.hardlight.Rpc;

/** A service to measure: results, errors, events and bursts of events. */
@Rpc(events = ProbeEvent.class)
public interface Probe {
    int echo(int x);

    /** "declared" throws {@link ProbeException}; anything else an RpcException NOT_FOUND. */
    int fail(String kind) throws ProbeException;

    /** Emits one event to topic "all", to which every connection is subscribed; returns how many connections it went to. */
    int shout(String text);

    /** Emits {@code n} events of {@code size} bytes to this connection only, as fast as it can; returns how many connections they went to (the slow-consumer policy may drop some). */
    int burst(int n, int size);
}
