package dev.hardlight.netty;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link DeadlineTest} in low-latency mode: busy-polling server and client, handlers marked non-blocking inline. */
@ExtendWith(LowLatencyMode.class)
class LowLatencyDeadlineTest extends DeadlineTest {}
