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
                AtomicLong[] okPerClient = new AtomicLong[clients.size()];
                AtomicInteger failed = new AtomicInteger();
                List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> callers = new ArrayList<>();
                for (int ci = 0; ci < clients.size(); ci++) {
                    RoomClient c = clients.get(ci);
                    AtomicLong mine = okPerClient[ci] = new AtomicLong();
                    callers.add(Thread.ofPlatform().start(() -> {
                        int n = 0;
                        while (!stop.get()) {
                            try {
                                assertThat(c.echo(++n)).isEqualTo(n);
                                ok.incrementAndGet();
                                mine.incrementAndGet();
                            } catch (RpcException e) {
                                failed.incrementAndGet();
                                if (failures.size() < 5) {
                                    failures.add(e.status() + ": " + e.getMessage());
                                }
                            }
                        }
                    }));
                }
                awaitProgress(okPerClient, 50);
                for (int i = 0; i < NODES; i++) {
                    nodes[i].close(); // GO_AWAY, drain, close: its clients move to the next node
                    nodes[i] = startNode(nats, ports[i]);
                    awaitProgress(okPerClient, 50); // every client calls on, wherever it is now
                }
                stop.set(true);
                for (Thread t : callers) {
                    t.join();
                }
                System.out.printf("rolling restart of %d nodes: %d calls answered, %d failed %s%n", NODES, ok.get(),
                        failed.get(), failures);
                assertThat(ok.get()).isPositive();
                // Graceful shutdown (GO_AWAY, then calls the node did not run are re-sent by the client on
                // its next connection) makes a rolling restart lose nothing.
                assertThat(failed.get()).as("calls lost in the rolling restart: " + failures).isZero();

                // Events still cross nodes for clients that moved: every client joins, one emits.
                for (RoomClient c : clients) {
                    c.join("after");
                }
                // The NATS subscriptions follow the joins asynchronously: emit until every client has
                // heard one (bounded).
                boolean[] heard = new boolean[clients.size()];
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                for (int seq = 1; !allTrue(heard); seq++) {
                    assertThat(System.nanoTime()).as("every client hears an event after the restart").isLessThan(deadline);
                    nodes[0].events(RoomEvent.class).emit(Topic.of("after"), new RoomEvent.Said("after", "n0", seq));
                    for (int ci = 0; ci < clients.size(); ci++) {
                        if (clients.get(ci).events().poll(Duration.ofMillis(100)).isPresent()) {
                            heard[ci] = true;
                        }
                    }
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

    private static boolean allTrue(boolean[] values) {
        for (boolean v : values) {
            if (!v) {
                return false;
            }
        }
        return true;
    }

    /** Waits until every client has made {@code calls} more successful calls (bounded). */
    private static void awaitProgress(AtomicLong[] perClient, long calls) throws Exception {
        long[] from = new long[perClient.length];
        for (int i = 0; i < from.length; i++) {
            from[i] = perClient[i].get();
        }
        NatsServers.await("every client made " + calls + " more calls", Duration.ofSeconds(20), () -> {
            for (int i = 0; i < from.length; i++) {
                if (perClient[i].get() - from[i] < calls) {
                    return false;
                }
            }
            return true;
        });
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
