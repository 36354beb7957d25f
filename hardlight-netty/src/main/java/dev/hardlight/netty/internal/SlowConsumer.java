package dev.hardlight.netty.internal;

import dev.hardlight.netty.SlowConsumerPolicy;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A server's slow-consumer settings, shared by its connections' write queues.
 *
 * @param highWaterMark queued-but-unwritten bytes above which a connection gets no more events
 * @param policy what happens to an event it does not get
 * @param dropped counts events not queued because of the policy, over all connections
 */
public record SlowConsumer(int highWaterMark, SlowConsumerPolicy policy, LongAdder dropped) {
    public SlowConsumer {
        if (highWaterMark <= 0) {
            throw new IllegalArgumentException("highWaterMark: " + highWaterMark + " (expected: > 0)");
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dropped, "dropped");
    }
}
