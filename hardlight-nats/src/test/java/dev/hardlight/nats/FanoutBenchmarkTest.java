package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fan-out, one node holding every subscriber against three nodes holding a third each (emitter on the
 * first), in this JVM over loopback: deliveries/s, emit-to-delivery p50/p99, process CPU per delivery,
 * NATS messages per emit (asserted: 1). Small by default (run alone for figures:
 * {@code -Dtest=FanoutBenchmarkTest -Dhl.fanout.clients=300 -Dhl.fanout.events=2000}).
 */
@Timeout(300)
class FanoutBenchmarkTest {
    private static final int CLIENTS = Integer.getInteger("hl.fanout.clients", 30);
    private static final int EVENTS = Integer.getInteger("hl.fanout.events", 1000);

    record Result(String name, long deliveries, long expected, double perSecond, double p50Micros, double p99Micros,
                  double cpuMicrosPerDelivery) {}

    @Test
    void threeNodesAgainstOne() throws Exception {
        NatsServers.assumeInstalled();
        try (NatsServers nats = NatsServers.start(1)) {
            Result one = run("1 node", 1, null);
            Result three = run("3 nodes", 3, nats.get(0).url());
            for (Result r : List.of(one, three)) {
                System.out.printf("fan-out %s: %d clients x %d events: %d of %d delivered, %.0f deliveries/s, "
                                + "p50 %.0f us, p99 %.0f us, process CPU %.2f us/delivery%n", r.name, CLIENTS, EVENTS,
                        r.deliveries, r.expected, r.perSecond, r.p50Micros, r.p99Micros, r.cpuMicrosPerDelivery);
            }
            assertThat(three.deliveries).isPositive();
        }
    }

    private Result run(String name, int nodeCount, String natsUrl) throws Exception {
        List<HardLightServer> nodes = new ArrayList<>();
        List<NatsCluster> clusters = new ArrayList<>();
        List<RoomClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                ServerBuilder<Room> b = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0);
                if (natsUrl != null) {
                    NatsCluster c = NatsCluster.builder(natsUrl).prefix("hl.bench").build();
                    clusters.add(c);
                    b.cluster(c);
                }
                nodes.add(b.start());
            }
            for (int i = 0; i < CLIENTS; i++) {
                RoomClient c = ClusterEventsTest.client(nodes.get(i % nodeCount));
                c.join("fan");
                clients.add(c);
            }
            Thread.sleep(500); // interest reaches NATS
            long[] latencies = new long[CLIENTS * EVENTS];
            AtomicLong count = new AtomicLong();
            AtomicLong lastDelivery = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (RoomClient c : clients) {
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int k = 0; k < EVENTS; k++) {
                            Optional<Event<RoomEvent>> e = c.events().poll(Duration.ofSeconds(3));
                            if (e.isEmpty()) {
                                return;
                            }
                            long sent = Long.parseLong(((RoomEvent.Said) e.get().value()).from());
                            long now = System.nanoTime();
                            latencies[(int) count.getAndIncrement()] = now - sent;
                            lastDelivery.accumulateAndGet(now, Math::max);
                        }
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long publishedBefore = clusters.isEmpty() ? 0 : clusters.getFirst().published();
            EventEmitter<RoomEvent> emitter = nodes.getFirst().events(RoomEvent.class);
            long t0 = System.nanoTime();
            for (int k = 1; k <= EVENTS; k++) {
                emitter.emit(Topic.of("fan"), new RoomEvent.Said("fan", Long.toString(System.nanoTime()), k));
                if (k % 5 == 0) {
                    Thread.sleep(1); // a steady rate, not one burst into the slow-consumer policy
                }
            }
            for (Thread t : readers) {
                t.join();
            }
            long cpu = os.getProcessCpuTime() - cpu0;
            long elapsed = lastDelivery.get() - t0;
            if (!clusters.isEmpty()) {
                assertThat(clusters.getFirst().published() - publishedBefore).as("NATS messages per emit = 1").isEqualTo(EVENTS);
            }
            int n = (int) count.get();
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            return new Result(name, n, (long) CLIENTS * EVENTS, n / (elapsed / 1e9),
                    n == 0 ? 0 : sorted[n / 2] / 1e3, n == 0 ? 0 : sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e3,
                    n == 0 ? 0 : cpu / 1e3 / n);
        } finally {
            clients.forEach(RoomClient::close);
            nodes.forEach(HardLightServer::close);
        }
    }
}
