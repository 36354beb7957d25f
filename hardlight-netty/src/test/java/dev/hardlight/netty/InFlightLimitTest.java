package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Back-pressure: many callers on one connection never exceed the server's in-flight limit. */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class InFlightLimitTest {
    static final int LIMIT = 64;

    @Test
    void tenThousandCallsFromAThousandVirtualThreadsOverOneConnection() throws Exception {
        try (TestServer server = TestServer.startWithProbe(LIMIT, b -> b.maxInFlight(LIMIT));
             CounterClient client = server.connect()) {
            AtomicInteger wrong = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 1_000; t++) {
                    int base = t * 10;
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < 10; i++) {
                            int x = base + i;
                            if (client.probe(x) != 2 * x) {
                                wrong.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(); // rethrows any failed call
                }
            }
            assertThat(wrong).hasValue(0);
            assertThat(server.probe.calls).hasValue(10_000);
            assertThat(server.probe.max.get()).as("most handlers running at once").isEqualTo(LIMIT);
            assertThat(server.probe.reached.getCount()).as("the limit was reached").isZero();
        }
    }
}
