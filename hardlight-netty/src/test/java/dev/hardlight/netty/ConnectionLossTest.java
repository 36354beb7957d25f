package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Connection;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A lost connection fails pending calls promptly: no call ever hangs. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class ConnectionLossTest {
    private static void assertConnectionLost(CompletableFuture<Integer> f) {
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
    }

    @Test
    void serverCloseFailsPendingCalls() throws Exception {
        // The handlers stay blocked: close gives up waiting for them after the drain timeout and answers
        // each ABORTED before its close frame (protocol.md 3.6: it may have run in part).
        TestServer server = TestServer.start(b -> b.drainTimeout(java.time.Duration.ofMillis(200)));
        CounterClient client = server.connect();
        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(client.blockAsync(i));
        }
        assertThat(server.blocked.tryAcquire(10, 10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.server.connectionCount()).isEqualTo(1);
        server.server.close(); // the handlers are still blocked: nothing was answered
        for (CompletableFuture<Integer> f : pending) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.ABORTED))
                    .hasMessageContaining("may have run in part");
        }
        // A new call fails at once: UNAVAILABLE ("server is shutting down") while the client knows only the
        // GO_AWAY, CONNECTION_LOST (1001) once it has handled the close; which one depends on timing.
        Await.until("the client saw the close", java.time.Duration.ofSeconds(5), () -> !client.channel().isOpen());
        assertThatThrownBy(() -> client.increment(1))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isIn(Status.CONNECTION_LOST, Status.UNAVAILABLE))
                .message().containsAnyOf("1001", "server is shutting down");
        assertThat(client.channel().isOpen()).isFalse();
        assertThat(server.server.connectionCount()).isZero();
        server.close();
    }

    @Test
    void connectionCloseFromTheServerSideFailsPendingCalls() throws Exception {
        AtomicReference<Connection> connection = new AtomicReference<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        try (HardLightServer s = HardLight.server(CounterSchema.DESCRIPTOR, c -> {
            connection.set(c);
            return new CounterHandler(null, release, blocked);
        }).tls(TestServer.TLS).bind("127.0.0.1", 0).start();
             CounterClient client = HardLight.connect(java.net.URI.create("wss://localhost:" + s.port() + "/hl"),
                     ClientOptions.pinned(s.tlsFingerprint()), CounterClient.FACTORY)) {
            CompletableFuture<Integer> f = client.blockAsync(1);
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            Connection conn = connection.get();
            assertThat(conn.isOpen()).isTrue();
            assertThat(conn.id()).isPositive();
            assertThat(conn.remoteAddress()).isInstanceOfSatisfying(java.net.InetSocketAddress.class,
                    a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
            assertThat(s.connectionCount()).isEqualTo(1);
            conn.close();
            assertConnectionLost(f);
            assertThatThrownBy(() -> client.increment(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST))
                    .hasMessageContaining("1000 closed by the server");
            release.countDown();
        }
    }

    @Test
    void clientCloseFailsItsOwnPendingCalls() throws Exception {
        try (TestServer server = TestServer.start()) {
            CounterClient client = server.connect();
            CompletableFuture<Integer> f = client.blockAsync(1);
            assertThat(server.blocked.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            client.close();
            assertConnectionLost(f);
            assertThatThrownBy(() -> client.increment(1)).isInstanceOf(RpcException.class);
        }
    }

    @Test
    void handlerFactoryFailureRefusesTheConnection() {
        try (HardLightServer s = HardLight.server(CounterSchema.DESCRIPTOR, c -> {
            throw new IllegalStateException("no handlers today");
        }).tls(TestServer.TLS).bind("127.0.0.1", 0).start()) {
            assertThatThrownBy(() -> HardLight.connect(java.net.URI.create("wss://localhost:" + s.port() + "/hl"),
                    ClientOptions.pinned(s.tlsFingerprint()), CounterClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("1011");
        }
    }
}
