package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many clients on one application-owned group of I/O threads; one client shared by many threads. */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class ClientGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void fiftyClientsShareOneGroupAndClosingItClosesThem() throws Exception {
        try (TestServer server = TestServer.start(); ClientGroup group = ClientGroup.busyPoll(1)) {
            ClientOptions options = server.pinned().toBuilder().group(group).build();
            List<CounterClient> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                clients.add(HardLight.connect(server.uri(), options, CounterClient.FACTORY));
            }
            assertThat(group.connections()).isEqualTo(50);
            Await.until("50 connections on the server", WAIT, () -> server.server.connectionCount() == 50);

            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (CounterClient c : clients) {
                calls.add(c.probeAsync(21));
            }
            for (CompletableFuture<Integer> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(42);
            }

            // A call pending when the group closes fails; so does every later call and connect.
            CompletableFuture<Integer> pending = clients.get(0).blockAsync(1);
            assertThat(server.blocked.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            group.close();
            assertThat(group.isClosed()).isTrue();
            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
            for (CounterClient c : clients) {
                assertThat(c.channel().isOpen()).isFalse();
            }
            Await.until("no connection left on the group", WAIT, () -> group.connections() == 0);
            assertThatThrownBy(() -> clients.get(1).increment(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
            assertThatThrownBy(() -> HardLight.connect(server.uri(), options, CounterClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("the ClientGroup is closed");
            // The server saw the clients go, with their close frames.
            Await.until("no connection left on the server", WAIT, () -> server.server.connectionCount() == 0);
            group.close(); // idempotent
            clients.forEach(CounterClient::close);
        }
    }

    @Test
    void oneClientServesManyThreadsAtOnce() throws Exception {
        try (TestServer server = TestServer.start(); ClientGroup group = ClientGroup.create(1);
             CounterClient client = HardLight.connect(server.uri(), server.pinned().toBuilder().group(group).build(), CounterClient.FACTORY)) {
            List<Integer> results = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 16; t++) {
                    threads.execute(() -> {
                        for (int i = 0; i < 100; i++) {
                            results.add(client.increment(1));
                        }
                    });
                }
            }
            // Every increment answered once, each with its own count.
            assertThat(results).hasSize(1_600).doesNotHaveDuplicates();
            assertThat(client.increment(0)).isEqualTo(1_600);
        }
    }
}
