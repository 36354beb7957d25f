package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.TopicChange;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster-wide topic notifier against real nats-servers: every topic's {@code Created} and
 * {@code Removed} told exactly once in the whole cluster, with subscribers joining and leaving on
 * different nodes, with a node starting and stopping, and when the node holding the last subscribers
 * is killed with SIGKILL (then within the lease).
 */
@Timeout(180)
class ClusterNotifierTest {
    static final Duration LEASE = Duration.ofMillis(900);
    static final Duration WAIT = Duration.ofSeconds(15);
    /** How long a count must stay put to say nothing more is told (three heartbeats). */
    static final Duration QUIET = LEASE;

    /** What every node's listener was told: "node Created topic". */
    final List<String> told = new CopyOnWriteArrayList<>();

    HardLightServer node(String name, String natsUrl, String prefix, List<NatsCluster> clusters) {
        NatsCluster cluster = NatsCluster.builder(natsUrl).prefix(prefix).notifierLease(LEASE).build();
        clusters.add(cluster);
        return HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                .topicListener(change -> told.add(name + " " + kind(change) + " " + change.topic().asString()))
                .cluster(cluster).start();
    }

    static String kind(TopicChange c) {
        return c instanceof TopicChange.Created ? "Created" : "Removed";
    }

    long count(String kind, String topic) {
        return told.stream().filter(s -> s.endsWith(" " + kind + " " + topic)).count();
    }

    void awaitCount(String kind, String topic, long n) throws Exception {
        NatsServers.await(kind + " " + topic + " told " + n + " times (told: " + told + ")", WAIT,
                () -> count(kind, topic) == n);
    }

    /** The count stays at {@code n} for {@link #QUIET}: nothing is told twice. */
    void staysAt(String kind, String topic, long n) throws Exception {
        long end = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < end) {
            assertThat(count(kind, topic)).as(kind + " " + topic + " in " + told).isEqualTo(n);
            Thread.sleep(20);
        }
    }

    /** Closes the nodes (before their NATS servers go: resources close in reverse order). */
    static void closeAll(List<HardLightServer> nodes) {
        for (HardLightServer n : nodes) {
            n.close();
        }
    }

    static RoomClient client(HardLightServer node) {
        return ClusterEventsTest.client(node);
    }

    @Test
    void eachTopicIsCreatedAndRemovedOnceAcrossNodesThatComeAndGo() throws Exception {
        NatsServers.assumeInstalled();
        List<NatsCluster> clusters = new ArrayList<>();
        List<HardLightServer> nodes = new ArrayList<>();
        try (NatsServers nats = NatsServers.start(2); AutoCloseable closeNodes = () -> closeAll(nodes)) {
            for (int i = 0; i < 3; i++) {
                nodes.add(node("n" + i, nats.get(i % 2).url(), "hl.notify", clusters));
            }
            NatsServers.await("three members everywhere", WAIT,
                    () -> clusters.stream().allMatch(c -> c.notifierMembers() == 3));
            try (RoomClient c0 = client(nodes.get(0)); RoomClient c1 = client(nodes.get(1));
                 RoomClient c2 = client(nodes.get(2))) {
                // many topics, so that every node owns some; subscribers on two nodes each
                for (int t = 0; t < 12; t++) {
                    c0.join("room" + t);
                    (t % 2 == 0 ? c1 : c2).join("room" + t);
                }
                for (int t = 0; t < 12; t++) {
                    awaitCount("Created", "room" + t, 1);
                }
                assertThat(told.stream().map(s -> s.split(" ")[0]).distinct().count())
                        .as("told on several nodes (each topic's owner): " + told).isGreaterThan(1);
                staysAt("Created", "room0", 1);

                // the first node's subscribers leave: the topics stay (held on nodes 1 and 2)
                for (int t = 0; t < 12; t++) {
                    c0.leave("room" + t);
                }
                // a fourth node joins (it takes some topics over) while the topics exist
                nodes.add(node("n3", nats.get(1).url(), "hl.notify", clusters));
                NatsServers.await("four members everywhere", WAIT,
                        () -> clusters.stream().allMatch(c -> c.notifierMembers() == 4));
                staysAt("Removed", "room1", 0);
                for (int t = 0; t < 12; t++) {
                    assertThat(count("Created", "room" + t)).as("room" + t + ": " + told).isEqualTo(1);
                    assertThat(count("Removed", "room" + t)).as("room" + t + ": " + told).isZero();
                }

                // node 0 closes gracefully (it owned some topics): the others take them over
                nodes.removeFirst().close();
                NatsServers.await("three members left", WAIT,
                        () -> clusters.subList(1, 4).stream().allMatch(c -> c.notifierMembers() == 3));

                // the last subscribers leave, on two different nodes
                for (int t = 0; t < 12; t++) {
                    (t % 2 == 0 ? c1 : c2).leave("room" + t);
                }
                for (int t = 0; t < 12; t++) {
                    awaitCount("Removed", "room" + t, 1);
                }
                staysAt("Removed", "room0", 1);
                for (int t = 0; t < 12; t++) {
                    assertThat(count("Created", "room" + t)).as("room" + t + ": " + told).isEqualTo(1);
                    assertThat(count("Removed", "room" + t)).as("room" + t + ": " + told).isEqualTo(1);
                }

                // a client that disconnects takes its subscriptions with it
                try (RoomClient c3 = client(nodes.getLast())) {
                    c3.join("brief");
                    awaitCount("Created", "brief", 1);
                }
                awaitCount("Removed", "brief", 1);
                staysAt("Created", "brief", 1);
            }
        }
    }

    @Test
    void theTopicsOfAKilledNodeAreRemovedOnceWithinTheLease() throws Exception {
        NatsServers.assumeInstalled();
        List<NatsCluster> clusters = new ArrayList<>();
        List<HardLightServer> nodes = new ArrayList<>();
        try (NatsServers nats = NatsServers.start(2); AutoCloseable closeNodes = () -> closeAll(nodes)) {
            String prefix = "hl.notifykill";
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
                    nats.get(0).url(), prefix, Long.toString(LEASE.toMillis()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/notifier-kill-child.log"))).start();
            List<String> childLines = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        childLines.add(line);
                        if (line.startsWith("TOLD ")) {
                            told.add("child " + line.substring(5));
                        }
                    }
                } catch (IOException ignored) {
                    // the child was killed
                }
            });
            try {
                NatsServers.await("the child's port", WAIT, () -> childLines.stream().anyMatch(l -> l.startsWith("PORT ")));
                int childPort = Integer.parseInt(childLines.stream().filter(l -> l.startsWith("PORT ")).findFirst()
                        .orElseThrow().substring(5).trim());
                nodes.add(node("s0", nats.get(0).url(), prefix, clusters));
                nodes.add(node("s1", nats.get(1).url(), prefix, clusters));
                NatsServers.await("three members on the survivors", WAIT,
                        () -> clusters.stream().allMatch(c -> c.notifierMembers() == 3));
                try (RoomClient onChild = HardLight.connect(URI.create("ws://127.0.0.1:" + childPort + "/hl"),
                        dev.hardlight.netty.ClientOptions.builder().insecurePlaintext().build(), RoomClient.FACTORY);
                     RoomClient onSurvivor = client(nodes.get(0))) {
                    for (int t = 0; t < 12; t++) {
                        onChild.join("k" + t);
                    }
                    onSurvivor.join("k0"); // held on a survivor too: it stays
                    for (int t = 0; t < 12; t++) {
                        awaitCount("Created", "k" + t, 1);
                    }
                    assertThat(told.stream().filter(s -> s.startsWith("child ")).count())
                            .as("the child owns some topics: " + told).isPositive();

                    long killed = System.nanoTime();
                    child.destroyForcibly(); // SIGKILL: no goodbye
                    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    for (int t = 1; t < 12; t++) {
                        awaitCount("Removed", "k" + t, 1);
                    }
                    long tookMs = (System.nanoTime() - killed) / 1_000_000;
                    System.out.printf("a killed node's 11 topics removed cluster-wide %d ms after the SIGKILL (lease %d ms)%n",
                            tookMs, LEASE.toMillis());
                    assertThat(tookMs).as("within the lease and a heartbeat, with slack for a loaded machine")
                            .isLessThan(LEASE.toMillis() * 4 / 3 + 3000);
                    staysAt("Removed", "k1", 1);
                    for (int t = 0; t < 12; t++) {
                        assertThat(count("Created", "k" + t)).as("k" + t + ": " + told).isEqualTo(1);
                        assertThat(count("Removed", "k" + t)).as("k" + t + ": " + told).isEqualTo(t == 0 ? 0 : 1);
                    }
                    onSurvivor.leave("k0");
                    awaitCount("Removed", "k0", 1);
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
                reader.join(5000);
            }
        }
    }

    @Test
    void afterNatsIsLostAndBackNothingIsRepeatedAndWhatChangedMeanwhileIsTold() throws Exception {
        NatsServers.assumeInstalled();
        List<NatsCluster> clusters = new ArrayList<>();
        List<HardLightServer> nodes = new ArrayList<>();
        try (NatsServers nats = NatsServers.start(1); AutoCloseable closeNodes = () -> closeAll(nodes)) {
            for (int i = 0; i < 2; i++) {
                nodes.add(node("n" + i, nats.get(0).url(), "hl.notifyrestart", clusters));
            }
            NatsServers.await("two members everywhere", WAIT,
                    () -> clusters.stream().allMatch(c -> c.notifierMembers() == 2));
            try (RoomClient c0 = client(nodes.get(0)); RoomClient c1 = client(nodes.get(1))) {
                for (int t = 0; t < 6; t++) {
                    c0.join("before" + t);
                }
                for (int t = 0; t < 6; t++) {
                    awaitCount("Created", "before" + t, 1);
                }
                nats.get(0).kill();
                NatsServers.await("both nodes see NATS gone", WAIT,
                        () -> clusters.stream().noneMatch(NatsCluster::isConnected));
                c1.join("during");
                c0.leave("before0");
                nats.get(0).start(); // same ports
                NatsServers.await("two members again", WAIT,
                        () -> clusters.stream().allMatch(c -> c.notifierMembers() == 2));
                awaitCount("Created", "during", 1);
                awaitCount("Removed", "before0", 1);
                staysAt("Created", "before1", 1);
                for (int t = 0; t < 6; t++) {
                    assertThat(count("Created", "before" + t)).as("before" + t + ": " + told).isEqualTo(1);
                    assertThat(count("Removed", "before" + t)).as("before" + t + ": " + told).isEqualTo(t == 0 ? 1 : 0);
                }
                c1.leave("during");
                awaitCount("Removed", "during", 1);
            }
        }
    }
}
