package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connection limits: over the limit, the upgrade is answered 503 with a reason; others are unaffected. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class ConnectionLimitTest {
    @Test
    void connectionOverTheLimitIsRefusedWith503AndCounted() throws Exception {
        try (TestServer server = TestServer.start(b -> b.maxConnections(3))) {
            List<CounterClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(server.connect());
            }
            assertThatThrownBy(server::connect)
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("HTTP 503")
                    .hasMessageContaining("too many connections: this server accepts at most 3");
            assertThat(server.server.refusedConnections()).isEqualTo(1);
            for (CounterClient c : clients) {
                assertThat(c.increment(1)).isPositive(); // the others keep working
            }
            clients.remove(0).close();
            Await.until("the closed connection no longer counts", Duration.ofSeconds(10),
                    () -> server.server.transport().acceptedConnections() == 2);
            CounterClient again = server.connect();
            assertThat(again.increment(1)).isPositive();
            again.close();
            clients.forEach(CounterClient::close);
            assertThat(server.server.refusedConnections()).isEqualTo(1);
        }
    }

    @Test
    void connectionsStillInTheirHandshakeCount() throws Exception {
        try (TestServer server = TestServer.start(b -> b.maxConnections(2));
             RawPeer silent = RawPeer.tcp(null, server.server.port())) {
            assertThat(silent.socket.isConnected()).isTrue(); // connected, never sends a byte
            Await.until("the silent connection counts", Duration.ofSeconds(10),
                    () -> server.server.transport().acceptedConnections() == 1);
            CounterClient client = server.connect();
            assertThatThrownBy(server::connect).hasMessageContaining("HTTP 503");
            client.close();
        }
    }

    @Test
    void perAddressLimitRefusesOnlyThatAddress() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind(0).maxConnectionsPerAddress(2).start()) {
            InetAddress one = InetAddress.getByName("127.0.0.1");
            InetAddress two = InetAddress.getByName("127.0.0.2");
            try (RawPeer a = RawPeer.upgrade(one, server.port());
                 RawPeer b = RawPeer.upgrade(one, server.port());
                 RawPeer c = RawPeer.upgrade(one, server.port());
                 RawPeer d = RawPeer.upgrade(two, server.port())) {
                assertThat(a.status).isEqualTo(101);
                assertThat(b.status).isEqualTo(101);
                assertThat(c.status).isEqualTo(503);
                assertThat(c.body).isEqualTo("too many connections from 127.0.0.1: this server accepts at most 2 per address");
                assertThat(c.awaitEndOfStream()).isTrue();
                assertThat(d.status).as("another address is not limited").isEqualTo(101);
                assertThat(server.refusedConnections()).isEqualTo(1);
                Await.until("three open connections", Duration.ofSeconds(5), () -> server.connectionCount() == 3);
            }
        }
    }

    @Test
    void beyondAFewHundredRefusalsInProgressConnectionsAreClosedAtAccept() throws Exception {
        int refusing = 256; // ConnectionLimits.MAX_REFUSING
        List<RawPeer> peers = new ArrayList<>();
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).maxConnections(1).start()) {
            peers.add(RawPeer.tcp(null, server.port())); // admitted, silent
            for (int i = 0; i < refusing; i++) {
                peers.add(RawPeer.tcp(null, server.port())); // refused, their 503 waits for a request that never comes
            }
            Await.until("all refused", Duration.ofSeconds(10), () -> server.refusedConnections() == refusing);
            try (RawPeer flood = RawPeer.tcp(null, server.port())) {
                long t0 = System.nanoTime();
                assertThat(flood.awaitEndOfStream()).isTrue();
                assertThat((System.nanoTime() - t0) / 1_000_000).as("closed at accept, not at the handshake timeout")
                        .isLessThan(5_000L);
            }
            assertThat(server.refusedConnections()).isEqualTo(refusing + 1);
        } finally {
            for (RawPeer p : peers) {
                p.close();
            }
        }
    }

    @Test
    void limitsAreValidated() {
        ServerBuilder<Counter> b = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null));
        assertThatThrownBy(() -> b.maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConnections: 0 (expected: > 0)");
        assertThatThrownBy(() -> b.maxConnectionsPerAddress(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConnectionsPerAddress: -1 (expected: > 0)");
        assertThatThrownBy(() -> b.handshakeTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("handshakeTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> KeepAlive.of(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pingInterval: PT0S (expected: > 0)");
        assertThatThrownBy(() -> KeepAlive.of(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idleTimeout: PT1S (expected: > pingInterval PT2S)");
        assertThatThrownBy(() -> KeepAlive.of(Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idleTimeout: PT1S (expected: > pingInterval PT1S)");
        assertThat(ClientOptions.builder().build().keepAlive().pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ClientOptions.builder().build().keepAlive().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        ClientOptions o = ClientOptions.builder().keepAlive(KeepAlive.of(Duration.ofSeconds(5), Duration.ofSeconds(20))).build();
        assertThat(o.toBuilder().build().keepAlive().idleTimeout()).isEqualTo(Duration.ofSeconds(20));
    }
}
