package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both NATS servers are killed (SIGKILL) under traffic and restarted on the same ports: local
 * delivery goes on, events for the other node are dropped and counted while NATS is away (nothing
 * buffered), and interest comes back with the connection.
 */
@Timeout(120)
class NatsRestartTest {
    @Test
    void natsKilledAndRestartedUnderTraffic() throws Exception {
        NatsServers.assumeInstalled();
        try (NatsServers nats = NatsServers.start(2)) {
            NatsCluster ca = NatsCluster.builder(nats.get(0).url()).prefix("hl.restart").reconnectWait(Duration.ofMillis(100)).build();
            NatsCluster cb = NatsCluster.builder(nats.get(1).url()).prefix("hl.restart").build();
            try (HardLightServer a = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                         .cluster(ca).start();
                 HardLightServer b = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                         .cluster(cb).start();
                 RoomClient onA = ClusterEventsTest.client(a);
                 RoomClient onB = ClusterEventsTest.client(b)) {
                onA.join("feed");
                onB.join("feed");
                String subject = ca.subject(Topic.of("feed"));
                NatsServers.await("interest of b", Duration.ofSeconds(10), () -> nats.get(1).subscribes(subject));
                NatsServers.await("interest of b seen through the route", Duration.ofSeconds(10), () -> {
                    a.events(RoomEvent.class).emit(Topic.of("feed"), new RoomEvent.Said("feed", "probe", 0));
                    return cb.received() > 0;
                });
                drain(onA);
                drain(onB);
                long receivedBefore = cb.received();
                long publishedBefore = ca.published();
                long droppedBefore = ca.publishDropped();

                EventEmitter<RoomEvent> emitter = a.events(RoomEvent.class);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger emitted = new AtomicInteger();
                Thread traffic = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        emitter.emit(Topic.of("feed"), new RoomEvent.Said("feed", "a", emitted.incrementAndGet()));
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                AtomicInteger localSeen = new AtomicInteger();
                AtomicInteger remoteSeen = new AtomicInteger();
                Thread countA = count(onA, localSeen, stop);
                Thread countB = count(onB, remoteSeen, stop);
                Thread.sleep(300);
                long t0 = System.nanoTime();
                int atKill = emitted.get();
                nats.get(0).kill();
                nats.get(1).kill();
                NatsServers.await("a sees NATS lost", Duration.ofSeconds(10), () -> !ca.isConnected());
                int atLost = emitted.get();
                long t1 = System.nanoTime();
                Thread.sleep(500);
                int atRestart = emitted.get();
                nats.get(0).start();
                nats.get(1).start();
                System.out.printf("emitted at kill %d, at lost %d (%d ms), at restart %d (%d ms)%n", atKill, atLost,
                        (t1 - t0) / 1_000_000, atRestart, (System.nanoTime() - t0) / 1_000_000);
                NatsServers.await("a reconnected", Duration.ofSeconds(15), ca::isConnected);
                NatsServers.await("b's interest re-established", Duration.ofSeconds(15),
                        () -> nats.get(0).subscribes(subject) || nats.get(1).subscribes(subject));
                NatsServers.await("a's events reach b again", Duration.ofSeconds(15), () -> {
                    long before = cb.received();
                    Thread.sleep(100);
                    return cb.received() > before;
                });
                stop.set(true);
                traffic.join();
                countA.join();
                countB.join();

                // The publisher thread may still hold the last emits: wait for it to settle them (bounded).
                long settle = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                while (ca.published() - publishedBefore + ca.publishDropped() - droppedBefore < emitted.get()
                        && System.nanoTime() < settle) {
                    Thread.sleep(10);
                }
                long published = ca.published() - publishedBefore;
                long dropped = ca.publishDropped() - droppedBefore;
                long received = cb.received() - receivedBefore;
                System.out.printf("NATS restart: emitted %d, published %d, dropped (counted) %d, received on b %d%n",
                        emitted.get(), published, dropped, received);
                assertThat(published + dropped).as("every emit is published or counted as dropped").isEqualTo(emitted.get());
                assertThat(dropped).as("dropped while NATS was away").isPositive();
                assertThat(received).isLessThanOrEqualTo(published).isPositive();
                assertThat(localSeen.get()).as("local delivery never stopped").isEqualTo(emitted.get());
                assertThat((long) remoteSeen.get()).isEqualTo(received);
            }
        }
    }

    private static void drain(RoomClient c) throws InterruptedException {
        while (c.events().poll(Duration.ofMillis(200)).isPresent()) {
            // the probes
        }
    }

    /** Counts the events the client gets until {@code stop} and then a quiet 500 ms. */
    private static Thread count(RoomClient c, AtomicInteger seen, AtomicBoolean stop) {
        return Thread.ofPlatform().start(() -> {
            try {
                while (true) {
                    Optional<Event<RoomEvent>> e = c.events().poll(Duration.ofMillis(500));
                    if (e.isPresent()) {
                        seen.incrementAndGet();
                    } else if (stop.get()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
