package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Event;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nats-server processes routed into one cluster, three HardLight nodes in this JVM (nodes 0 and 2
 * on NATS server 0, node 1 on server 1), clients on each node over real sockets.
 */
@Timeout(120)
class ClusterEventsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String PREFIX = "hl.test";
    static NatsServers nats;
    static final List<HardLightServer> nodes = new ArrayList<>();
    static final List<NatsCluster> clusters = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        NatsServers.assumeInstalled();
        nats = NatsServers.start(2);
        for (int i = 0; i < 3; i++) {
            NatsCluster cluster = NatsCluster.builder(nats.get(i % 2).url()).prefix(PREFIX).build();
            clusters.add(cluster);
            nodes.add(HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                    .cluster(cluster).start());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (HardLightServer n : nodes) {
            n.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    static RoomClient client(HardLightServer node) {
        return HardLight.connect(URI.create("ws://127.0.0.1:" + node.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), RoomClient.FACTORY);
    }

    static String subject(String room) {
        return clusters.get(0).subject(Topic.of(room));
    }

    /** Waits until the NATS server of node {@code i} has its subscription to the room's subject. */
    static void awaitInterest(int node, String room) throws Exception {
        NatsServers.await("node " + node + " subscribed to " + room, WAIT, () -> nats.get(node % 2).subscribes(subject(room)));
    }

    static Event<RoomEvent> next(RoomClient c) throws InterruptedException {
        Optional<Event<RoomEvent>> e = c.events().poll(WAIT);
        return e.orElseThrow(() -> new AssertionError("no event within " + WAIT));
    }

    @Test
    void eventsReachEveryNodeInOrderPerEmitterWithOnePublishPerEmit() throws Exception {
        List<RoomClient> clients = new ArrayList<>();
        try {
            for (HardLightServer node : nodes) {
                RoomClient c = client(node);
                c.join("lobby");
                clients.add(c);
            }
            for (int i = 0; i < 3; i++) {
                awaitInterest(i, "lobby");
            }
            long publishedBefore = clusters.get(0).published() + clusters.get(1).published();
            int perEmitter = 300;
            EventEmitter<RoomEvent> on0 = nodes.get(0).events(RoomEvent.class);
            EventEmitter<RoomEvent> on1 = nodes.get(1).events(RoomEvent.class);
            Thread a = Thread.ofPlatform().start(() -> {
                for (int s = 1; s <= perEmitter; s++) {
                    on0.emit(Topic.of("lobby"), new RoomEvent.Said("lobby", "a", s));
                }
            });
            Thread b = Thread.ofPlatform().start(() -> {
                for (int s = 1; s <= perEmitter; s++) {
                    on1.emit(Topic.of("lobby"), new RoomEvent.Said("lobby", "b", s));
                }
            });
            a.join();
            b.join();
            // Emits hand their message to the cluster's publisher thread: wait for it to catch up (bounded).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (clusters.get(0).published() + clusters.get(1).published() - publishedBefore < 2L * perEmitter
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(clusters.get(0).published() + clusters.get(1).published() - publishedBefore)
                    .as("one NATS publish per emit").isEqualTo(2L * perEmitter);
            for (RoomClient c : clients) {
                Map<String, Integer> last = new HashMap<>(Map.of("a", 0, "b", 0));
                for (int k = 0; k < 2 * perEmitter; k++) {
                    RoomEvent.Said said = (RoomEvent.Said) next(c).value();
                    assertThat(said.seq()).as("order of emitter " + said.from()).isEqualTo(last.get(said.from()) + 1);
                    last.put(said.from(), said.seq());
                }
                assertThat(last).containsEntry("a", perEmitter).containsEntry("b", perEmitter);
                assertThat(c.events().poll(Duration.ofMillis(100))).isEmpty();
            }
            // Emitted through a handler on node 2: the clients on the other nodes get it too.
            assertThat(clients.get(2).say("lobby", "c", 1)).isEqualTo(1);
            for (RoomClient c : clients) {
                assertThat(((RoomEvent.Said) next(c).value()).from()).isEqualTo("c");
            }
        } finally {
            clients.forEach(RoomClient::close);
        }
    }

    @Test
    void aNodeListensToATopicOnlyWhileItHasLocalSubscribers() throws Exception {
        try (RoomClient c0 = client(nodes.get(0)); RoomClient c1 = client(nodes.get(1))) {
            c0.join("quiet");
            awaitInterest(0, "quiet");
            assertThat(clusters.get(0).interestCount()).isGreaterThanOrEqualTo(1);
            // Node 1 (alone on NATS server 1) has no subscriber: its server holds no subscription to it.
            assertThat(nats.get(1).subscribes(subject("quiet"))).isFalse();
            // An emit on node 1 still goes out once, and reaches node 0's subscriber.
            nodes.get(1).events(RoomEvent.class).emit(Topic.of("quiet"), new RoomEvent.Said("quiet", "x", 1));
            assertThat(((RoomEvent.Said) next(c0).value()).from()).isEqualTo("x");

            c1.join("quiet");
            awaitInterest(1, "quiet");
            c1.leave("quiet");
            NatsServers.await("node 1 unsubscribed", WAIT, () -> !nats.get(1).subscribes(subject("quiet")));
            c0.leave("quiet");
            NatsServers.await("node 0 unsubscribed", WAIT, () -> !nats.get(0).subscribes(subject("quiet")));
        }
    }

    @Test
    void aNodeOfAnotherEventContractIsDroppedAndCounted() throws Exception {
        NatsCluster otherCluster = NatsCluster.builder(nats.get(1).url()).prefix(PREFIX).build();
        try (HardLightServer other = HardLight.server(OtherRoom.class, c -> room -> c.subscriptions().add(Topic.of(room)))
                .insecurePlaintext().bind("127.0.0.1", 0).cluster(otherCluster).start();
             OtherRoomClient o = HardLight.connect(URI.create("ws://127.0.0.1:" + other.port() + "/hl"),
                     ClientOptions.builder().insecurePlaintext().build(), OtherRoomClient.FACTORY);
             RoomClient c0 = client(nodes.get(0))) {
            o.join("mixed");
            c0.join("mixed");
            NatsServers.await("the other node subscribed", WAIT, () -> nats.get(1).subscribes(subject("mixed")));
            awaitInterest(0, "mixed");
            long mismatchesBefore = clusters.get(0).contractMismatches();
            nodes.get(2).events(RoomEvent.class).emit(Topic.of("mixed"), new RoomEvent.Said("mixed", "r", 1));
            other.events(OtherRoom.OtherEvent.class).emit(Topic.of("mixed"), new OtherRoom.Note(7));
            NatsServers.await("the other node counted the mismatch", WAIT, () -> otherCluster.contractMismatches() == 1);
            NatsServers.await("node 0 counted the mismatch", WAIT,
                    () -> clusters.get(0).contractMismatches() == mismatchesBefore + 1);
            // Each client gets the event of its own contract only (the other node's own emit is local).
            assertThat(((RoomEvent.Said) next(c0).value()).from()).isEqualTo("r");
            assertThat(c0.events().poll(Duration.ofMillis(300))).isEmpty();
            assertThat(o.events().poll(WAIT).orElseThrow().value()).isEqualTo(new OtherRoom.Note(7));
            assertThat(o.events().poll(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void natsUnreachableAtStartIsAClearErrorOrADegradedStart() throws Exception {
        int dead = NatsServers.freePort();
        assertThatThrownBy(() -> HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                .cluster(NatsCluster.builder("nats://127.0.0.1:" + dead).build()).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect to NATS at nats://127.0.0.1:" + dead)
                .hasMessageContaining("startDegraded");
        NatsCluster degraded = NatsCluster.builder("nats://127.0.0.1:" + dead).startDegraded(true).build();
        try (HardLightServer node = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                .cluster(degraded).start();
             RoomClient c = client(node)) {
            c.join("alone");
            assertThat(c.say("alone", "me", 1)).isEqualTo(1);
            assertThat(((RoomEvent.Said) next(c).value()).from()).isEqualTo("me");
            assertThat(degraded.isConnected()).isFalse();
            assertThat(degraded.publishDropped()).isEqualTo(1);
        }
    }
}
