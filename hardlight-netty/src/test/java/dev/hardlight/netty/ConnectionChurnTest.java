package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.internal.ClientChannel;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No leak at scale: 10,000 TLS connections opened, used and closed (half with a close handshake,
 * half abruptly: a TCP close without close frame, or a reset) leave nothing behind on the server: no
 * connection, no subscription, no topic, no reachable handler, and the heap back near where it was.
 */
@Tag("slow")
@ExtendWith(LeakDetection.class)
@Timeout(180)
class ConnectionChurnTest {
    private static final int CONNECTIONS = 10_000;
    /** Connections open at once: a batch is opened, used, then closed. */
    private static final int BATCH = 500;
    /** Connects (TLS handshakes) in progress at once. */
    private static final int CONCURRENCY = 16;
    private static final long MIB = 1024 * 1024;

    /** One weak reference per handler the server made: unreachable once its connection is gone. */
    private final Queue<WeakReference<Object>> handlers = new ConcurrentLinkedQueue<>();

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void tenThousandConnectionsLeaveNothingBehind() throws Exception {
        try (HardLightServer server = HardLight.server(Chat.class, c -> {
                    ChatHandler h = new ChatHandler(c);
                    handlers.add(new WeakReference<>(h));
                    return h;
                }).tls(TestServer.TLS).bind("127.0.0.1", 0).start();
             ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
            URI uri = URI.create("wss://localhost:" + server.port() + "/hl");
            ClientOptions options = ClientOptions.pinned(server.tlsFingerprint()); // one shared TLS context

            churn(pool, uri, options, 0, BATCH); // warm up: classes, pools, TLS
            awaitEmpty(server);
            long baseline = heapAfterGc();
            long t0 = System.nanoTime();
            for (int first = BATCH; first < CONNECTIONS; first += BATCH) {
                churn(pool, uri, options, first, Math.min(BATCH, CONNECTIONS - first));
            }
            awaitEmpty(server);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            Await.until("every handler is unreachable", Duration.ofSeconds(20), () -> {
                System.gc();
                handlers.removeIf(r -> r.get() == null);
                return handlers.isEmpty();
            });
            long growth = heapAfterGc() - baseline;
            System.out.printf("ConnectionChurnTest: %d connections in %d ms after warm-up; heap growth %d KiB%n",
                    CONNECTIONS - BATCH, millis, growth / 1024);
            assertThat(growth).as("heap growth after GC, bytes").isLessThan(64 * MIB);
            assertThat(server.refusedConnections()).isZero();
        }
    }

    private static void awaitEmpty(HardLightServer server) throws InterruptedException {
        Await.until("no connection, subscription or topic left", Duration.ofSeconds(30),
                () -> server.connectionCount() == 0 && server.subscriptionCount() == 0 && server.topicCount() == 0
                        && server.transport().acceptedConnections() == 0);
    }

    /** Opens {@code count} connections, one call each, then closes them: clean, FIN or reset by turns. */
    private static void churn(ExecutorService pool, URI uri, ClientOptions options, int first, int count) throws Exception {
        List<Future<ChatClient>> opening = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            int n = i;
            opening.add(pool.submit(() -> {
                ChatClient c = HardLight.connect(uri, options, ChatClient.FACTORY);
                if (n % 3 == 0) {
                    c.join("room-" + n % 7); // subscribes: the topic must go when the connection goes
                } else {
                    c.say("room-" + n % 7, "hello");
                }
                return c;
            }));
        }
        List<Future<?>> closing = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ChatClient c = opening.get(i).get();
            int kind = (first + i) % 4;
            closing.add(pool.submit(() -> {
                switch (kind) {
                    case 0, 1 -> c.close(); // close handshake
                    case 2 -> ((ClientChannel) c.channel()).link().closeAbruptly(false); // TCP FIN, no close frame
                    default -> ((ClientChannel) c.channel()).link().closeAbruptly(true); // TCP reset
                }
            }));
        }
        for (Future<?> f : closing) {
            f.get();
        }
    }
}
