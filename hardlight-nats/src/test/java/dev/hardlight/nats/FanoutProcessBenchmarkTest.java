package dev.hardlight.nats;

import dev.hardlight.netty.HardLight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.Topic;
import dev.hardlight.nats.internal.Subjects;
import dev.hardlight.netty.ClientOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster fan-out benchmark with every node in its own JVM (and nats-server in its own process):
 * one node holding every subscriber against three nodes holding a third each, the emits made on the
 * first node. Prints deliveries/s, emit-to-delivery p50/p99 (emit and receipt read the same monotonic
 * clock: {@code System.nanoTime()} is CLOCK_MONOTONIC in every JVM of a Linux host), each node's CPU per
 * delivery, and the NATS messages per emit counted by nats-server itself ({@code /varz in_msgs}). Asserts
 * only what does not depend on timing: every event delivered, exactly one NATS message per emit. Small by
 * default; for figures run it alone with, for example,
 * {@code -Dtest=FanoutProcessBenchmarkTest -Dhl.fanout.clients=300 -Dhl.fanout.events=2000}.
 */
@Tag("slow")
@Timeout(600)
class FanoutProcessBenchmarkTest {
    private static final int CLIENTS = Integer.getInteger("hl.fanout.clients", 30);
    private static final int EVENTS = Integer.getInteger("hl.fanout.events", 500);
    private static final int WARMUP = Integer.getInteger("hl.fanout.warmup", 200);
    private static final int PER_MS = Integer.getInteger("hl.fanout.perMs", 5);
    private static final String PREFIX = "hl.bench";

    record Result(String name, long deliveries, double perSecond, double p50Micros, double p99Micros,
                  List<String> nodeCpu, double natsPerEmit) {}

    /** A node in its own JVM ({@link NodeMain}). */
    static final class NodeProcess implements AutoCloseable {
        final Process process;
        final int port;

        NodeProcess(String natsUrl) throws Exception {
            process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(), natsUrl, PREFIX)
                    .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/fanout-node.log"))).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the node stopped
                }
            });
            NatsServers.await("the node's port line", Duration.ofSeconds(60),
                    () -> lines.stream().anyMatch(l -> l.startsWith("PORT ")) || !process.isAlive());
            port = Integer.parseInt(lines.stream().filter(l -> l.startsWith("PORT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("the node died: see target/fanout-node.log")).substring(5).trim());
        }

        RoomClient client() {
            return HardLight.connect(URI.create("ws://127.0.0.1:" + port + "/hl"),
                    ClientOptions.builder().insecurePlaintext().build(), RoomClient.FACTORY);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void threeNodeProcessesAgainstOne() throws Exception {
        NatsServers.assumeInstalled();
        try (NatsServers nats = NatsServers.start(1)) {
            Result one = run("1 node", 1, null);
            Result three = run("3 nodes", 3, nats.get(0));
            for (Result r : List.of(one, three)) {
                System.out.printf("fan-out (node processes) %s: %d clients x %d events: %d delivered, %.0f deliveries/s, "
                                + "p50 %.0f us, p99 %.0f us, node CPU per delivery %s, NATS messages per emit %.3f%n",
                        r.name, CLIENTS, EVENTS, r.deliveries, r.perSecond, r.p50Micros, r.p99Micros, r.nodeCpu,
                        r.natsPerEmit);
            }
            System.out.printf("fan-out (node processes) 3 nodes / 1 node: deliveries/s %.2fx, p50 %+.0f us, p99 %+.0f us%n",
                    three.perSecond / one.perSecond, three.p50Micros - one.p50Micros, three.p99Micros - one.p99Micros);
            assertThat(one.deliveries).isEqualTo((long) CLIENTS * EVENTS);
            assertThat(three.deliveries).isEqualTo((long) CLIENTS * EVENTS);
            assertThat(three.natsPerEmit).as("NATS messages per emit").isEqualTo(1.0);
        }
    }

    private Result run(String name, int nodeCount, NatsServers.Server nats) throws Exception {
        List<NodeProcess> nodes = new ArrayList<>();
        List<RoomClient> clients = new ArrayList<>();
        List<RoomClient> perNodeControl = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(new NodeProcess(nats == null ? "-" : nats.url()));
            }
            for (NodeProcess n : nodes) {
                perNodeControl.add(n.client());
            }
            for (int i = 0; i < CLIENTS; i++) {
                RoomClient c = nodes.get(i % nodeCount).client();
                c.join("fan"); // returns once the subscription is made on the node
                clients.add(c);
            }
            if (nats != null) {
                String subject = new Subjects(PREFIX).subject(Topic.of("fan"));
                NatsServers.await("every node subscribed on NATS", Duration.ofSeconds(20),
                        () -> count(nats.monitor("/connz?subs=1&limit=1024"), "\"" + subject + "\"") == nodeCount);
            }
            int total = WARMUP + EVENTS;
            long[] latencies = new long[CLIENTS * EVENTS];
            AtomicLong count = new AtomicLong();
            AtomicLong lastDelivery = new AtomicLong();
            AtomicLong firstMeasuredEmit = new AtomicLong(Long.MAX_VALUE);
            List<Thread> readers = new ArrayList<>();
            for (RoomClient c : clients) {
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int k = 0; k < total; k++) {
                            Optional<Event<RoomEvent>> e = c.events().poll(Duration.ofSeconds(20));
                            if (e.isEmpty()) {
                                return;
                            }
                            long now = System.nanoTime();
                            RoomEvent.Said said = (RoomEvent.Said) e.get().value();
                            if (k >= WARMUP) { // in order per client: the warm-up burst comes first
                                long sent = Long.parseLong(said.from());
                                firstMeasuredEmit.accumulateAndGet(sent, Math::min);
                                latencies[(int) count.getAndIncrement()] = now - sent;
                                lastDelivery.accumulateAndGet(now, Math::max);
                            }
                        }
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            long natsIn0 = nats == null ? 0 : inMsgs(nats);
            RoomClient emitter = perNodeControl.getFirst();
            emitter.burst("fan", WARMUP, PER_MS);
            long[] cpu0 = new long[nodeCount];
            for (int i = 0; i < nodeCount; i++) {
                cpu0[i] = perNodeControl.get(i).cpuNanos();
            }
            emitter.burst("fan", EVENTS, PER_MS);
            for (Thread t : readers) {
                t.join();
            }
            // every client has every event, so NATS has counted every message
            double natsPerEmit = nats == null ? 0 : (inMsgs(nats) - natsIn0) / (double) total;
            List<String> cpu = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                long used = perNodeControl.get(i).cpuNanos() - cpu0[i];
                long deliveredHere = (long) ((CLIENTS - i + nodeCount - 1) / nodeCount) * EVENTS;
                cpu.add(String.format("%.1f us", used / 1e3 / deliveredHere));
            }
            int n = (int) count.get();
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            long elapsed = lastDelivery.get() - firstMeasuredEmit.get();
            return new Result(name, n, n / (elapsed / 1e9), n == 0 ? 0 : sorted[n / 2] / 1e3,
                    n == 0 ? 0 : sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e3, cpu, natsPerEmit);
        } finally {
            clients.forEach(RoomClient::close);
            perNodeControl.forEach(RoomClient::close);
            for (NodeProcess p : nodes) {
                p.close();
            }
        }
    }

    private static long inMsgs(NatsServers.Server nats) throws Exception {
        Matcher m = Pattern.compile("\"in_msgs\":\\s*(\\d+)").matcher(nats.monitor("/varz"));
        assertThat(m.find()).as("in_msgs in /varz").isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
