package dev.hardlight.netty;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link EventsTest} in low-latency mode: busy-polling server and client, handlers marked non-blocking
 * inline. Without the load tests (a thousand connections at once or one after the other, emitting
 * while connections close, a slow consumer's drops) and the options' checks: they test scale, not the
 * mode, and take long with two spinning threads on a small machine. An override without
 * {@code @Test} is not run.
 */
@ExtendWith(LowLatencyMode.class)
class LowLatencyEventsTest extends EventsTest {
    @Override
    void oneEmitReachesAThousandConnectionsTyped() {}

    @Override
    void disconnectsRemoveSubscriptionsAndFireRemoved() {}

    @Override
    void emittingWhileConnectionsCloseLeaksNothing() {}

    @Override
    void aSlowConsumerMissesEventsWhileOthersGetEverything() {}

    @Override
    void clientOptionsCheckTheEventQueueCapacity() {}

    @Override
    void serverBuilderChecksTheHighWaterMark() {}
}
