package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.RpcException;
import dev.hardlight.Topic;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clients given several nodes fail over between them: on GO_AWAY, on loss, and through a rolling restart. */
@Timeout(120)
class FailoverTest {
    private static final int NODES = 3;

    @Test
    void aRollingRestartOfEveryNodeLosesNoCallAndEventsFollowTheClients() throws Exception {
        NatsServers.assumeInstalled();
        try (NatsServers nats = NatsServers.start(1)) {
            int[] ports = new int[NODES];
            HardLightServer[] nodes = new HardLightServer[NODES];
            for (int i = 0; i < NODES; i++) {
                ports[i] = NatsServers.freePort();
                nodes[i] = startNode(nats, ports[i]);
            }
            List<RoomClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < NODES; i++) {
                    List<URI> others = new ArrayList<>();
                    for (int k = 1; k < NODES; k++) {
                        others.add(uri(ports[(i + k) % NODES]));
                    }
                    clients.add(HardLight.connect(uri(ports[i]), ClientOptions.builder().insecurePlaintext()
                            .reconnect(ReconnectPolicy.defaults()).failover(others.toArray(URI[]::new)).build(), RoomClient.FACTORY));
                }
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong ok = new AtomicLong();
                AtomicInteger failed = new AtomicInteger();
                List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> callers = new ArrayList<>();
                for (RoomClient c : clients) {
                    callers.add(Thread.ofPlatform().start(() -> {
                        int n = 0;
                        while (!stop.get()) {
                            try {
                                assertThat(c.echo(++n)).isEqualTo(n);
                                ok.incrementAndGet();
                            } catch (RpcException e) {
                                failed.incrementAndGet();
                                if (failures.size() < 5) {
                                    failures.add(e.status() + ": " + e.getMessage());
                                }
                            }
                        }
                    }));
                }
                Thread.sleep(200);
                for (int i = 0; i < NODES; i++) {
                    nodes[i].close(); // GO_AWAY, drain, close: its clients move to the next node
                    nodes[i] = startNode(nats, ports[i]);
                    Thread.sleep(300);
                }
                stop.set(true);
                for (Thread t : callers) {
                    t.join();
                }
                System.out.printf("rolling restart of %d nodes: %d calls answered, %d failed %s%n", NODES, ok.get(),
                        failed.get(), failures);
                assertThat(ok.get()).isPositive();
                // Measured, not asserted zero: a call sent in the instant between a node's end of drain
                // and its close fails with CONNECTION_LOST (the server-side race of issue 14's graceful
                // shutdown). Bounded: at most one such call per client and node restarted.
                assertThat(failed.get()).as("calls lost in the rolling restart: " + failures)
                        .isLessThanOrEqualTo(NODES * clients.size());
                assertThat(failures).allSatisfy(f -> assertThat(f).startsWith("CONNECTION_LOST").contains("shut"));

                // Events still cross nodes for clients that moved: every client joins, one emits.
                for (RoomClient c : clients) {
                    c.join("after");
                }
                Thread.sleep(500); // the NATS subscriptions follow the joins asynchronously
                nodes[0].events(RoomEvent.class).emit(Topic.of("after"), new RoomEvent.Said("after", "n0", 1));
                for (RoomClient c : clients) {
                    assertThat(c.events().poll(Duration.ofSeconds(10))).as("event after the restart").isPresent();
                }
            } finally {
                clients.forEach(RoomClient::close);
                for (HardLightServer n : nodes) {
                    n.close();
                }
            }
        }
    }

    @Test
    void aLostNodeIsReplacedByTheNextOne() throws Exception {
        int p0 = NatsServers.freePort();
        int p1 = NatsServers.freePort();
        HardLightServer n1 = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", p1).start();
        try (RoomClient c = HardLight.connect(uri(p0), ClientOptions.builder().insecurePlaintext()
                .reconnect(ReconnectPolicy.defaults()).failover(uri(p1)).build(), RoomClient.FACTORY)) {
            // p0 has no server: the first connect moves on to p1.
            assertThat(c.echo(1)).isEqualTo(1);
            HardLightServer n0 = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", p0).start();
            try {
                n1.close();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                Integer answer = null;
                while (answer == null && System.nanoTime() < deadline) {
                    try {
                        answer = c.echo(2);
                    } catch (RpcException e) {
                        Thread.sleep(50);
                    }
                }
                assertThat(answer).as("answered by the other node").isEqualTo(2);
                assertThat(n0.connectionCount()).isEqualTo(1);
            } finally {
                n0.close();
            }
        } finally {
            n1.close();
        }
    }

    private static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/hl");
    }

    private static HardLightServer startNode(NatsServers nats, int port) {
        return HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", port)
                .drainTimeout(Duration.ofSeconds(2))
                .cluster(NatsCluster.builder(nats.get(0).url()).prefix("hl.failover").build()).start();
    }
}
