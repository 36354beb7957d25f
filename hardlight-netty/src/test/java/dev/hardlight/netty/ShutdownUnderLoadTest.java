package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful shutdown under continuous load (protocol.md 3.6): several reconnecting clients pump
 * non-idempotent calls while the server is shut down and restarted on the same port, many times. Every
 * call must be either answered or known not to have run; and every call that ran must have been
 * answered (no call runs twice, none runs unanswered).
 */
@ExtendWith(LeakDetection.class)
@Timeout(120)
class ShutdownUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final int THREADS_PER_CLIENT = 4;
    private static final int SHUTDOWNS = 12;

    @Test
    void noCallIsLostAcrossManyShutdowns() throws Exception {
        AtomicLong executed = new AtomicLong();
        HardLightServer server = start(0, executed);
        int port = server.port();
        LongAdder answered = new LongAdder();
        LongAdder knownUnrun = new LongAdder();
        LongAdder lost = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<CounterClient> clients = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                CounterClient client = HardLight.connect(URI.create("ws://127.0.0.1:" + port + "/hl"),
                        ClientOptions.builder().insecurePlaintext().reconnect(ReconnectPolicy.builder()
                                .initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build()).build(), CounterClient.FACTORY);
                clients.add(client);
                for (int t = 0; t < THREADS_PER_CLIENT; t++) {
                    pumps.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            try {
                                client.increment(1);
                                answered.increment();
                            } catch (RpcException e) {
                                failures.computeIfAbsent(e.status() + ": " + e.getMessage().replaceAll("[0-9]+", "N"),
                                        k -> new LongAdder()).increment();
                                if (e.status() == Status.UNAVAILABLE) {
                                    knownUnrun.increment(); // refused unrun, or waited in vain for a link
                                } else {
                                    lost.increment();
                                }
                            }
                        }
                    }));
                }
            }
            for (int i = 0; i < SHUTDOWNS; i++) {
                long before = answered.sum();
                Await.until("calls flow", Duration.ofSeconds(20), () -> answered.sum() > before + 200);
                server.close();
                server = start(port, executed);
            }
            long before = answered.sum();
            Await.until("calls flow after the last restart", Duration.ofSeconds(20), () -> answered.sum() > before + 200);
        } finally {
            stop.set(true);
            for (Thread t : pumps) {
                t.join(10_000);
            }
            for (CounterClient c : clients) {
                c.close();
            }
            server.close();
        }
        System.out.printf("shutdown under load: %d shutdowns, %d calls answered, %d known unrun, %d lost, %d executed; "
                + "failures: %s%n", SHUTDOWNS, answered.sum(), knownUnrun.sum(), lost.sum(), executed.get(), failures);
        assertThat(lost.sum()).as("calls neither answered nor known unrun: " + failures).isZero();
        assertThat(executed.get()).as("every call that ran was answered, once").isEqualTo(answered.sum());
    }

    private static HardLightServer start(int port, AtomicLong executed) {
        return HardLight.server(Counter.class, c -> countingCounter(executed))
                .insecurePlaintext().bind("127.0.0.1", port).start();
    }

    /** A Counter whose increment counts its runs in {@code executed} (the shutdown tests compare it with the answers). */
    static Counter countingCounter(AtomicLong executed) {
        return new Counter() {
            @Override
            public int increment(int amount) {
                executed.incrementAndGet();
                return amount;
            }

            @Override
            public String fail(String kind) {
                return kind;
            }

            @Override
            public int block(int token) {
                return token;
            }

            @Override
            public int probe(int x) {
                return x;
            }
        };
    }
}
