package dev.hardlight.netty;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link EverythingTest} in low-latency mode: busy-polling server and client, handlers marked non-blocking inline. */
@ExtendWith(LowLatencyMode.class)
class LowLatencyEverythingTest extends EverythingTest {}
