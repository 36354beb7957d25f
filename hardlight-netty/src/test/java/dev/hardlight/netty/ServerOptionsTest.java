package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Options as values: defaults, copies that do not share state, the values both sides share, and a server started from one. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class ServerOptionsTest {

    @Test
    void defaultsAreTheDocumentedConstants() {
        ServerOptions o = ServerOptions.builder().build();
        assertThat(o.tls()).isNull();
        assertThat(o.isInsecurePlaintext()).isFalse();
        assertThat(o.path()).isEqualTo(ServerOptions.DEFAULT_PATH);
        assertThat(o.maxInFlight()).isEqualTo(ServerOptions.DEFAULT_MAX_IN_FLIGHT).isEqualTo(ClientOptions.DEFAULT_MAX_IN_FLIGHT)
                .isEqualTo(256);
        assertThat(o.maxMessageSize()).isEqualTo(ServerOptions.DEFAULT_MAX_MESSAGE_SIZE);
        assertThat(o.handshakeTimeout()).isEqualTo(ServerOptions.DEFAULT_HANDSHAKE_TIMEOUT);
        assertThat(o.drainTimeout()).isEqualTo(ServerOptions.DEFAULT_DRAIN_TIMEOUT);
        assertThat(o.keepAlive()).isEqualTo(KeepAlive.defaults());
        assertThat(o.maxConnections()).isEqualTo(ServerOptions.DEFAULT_MAX_CONNECTIONS);
        assertThat(o.maxConnectionsPerAddress()).isEqualTo(Integer.MAX_VALUE);
        assertThat(o.compression()).isEqualTo(Compression.off());
        assertThat(o.slowConsumerPolicy()).isEqualTo(SlowConsumerPolicy.DROP_EVENTS);
        assertThat(o.allowedOrigins()).isEmpty();
        assertThat(o.recordDirectory()).isNull();
    }

    @Test
    void aBuiltValueDoesNotChangeWithItsBuilderOrItsCopies() {
        ServerOptions.Builder b = ServerOptions.builder().maxInFlight(10).allowedOrigins("https://a.example");
        ServerOptions first = b.build();
        b.maxInFlight(20).allowedOrigins("https://b.example");
        ServerOptions copy = first.toBuilder().maxInFlight(30).allowedOrigins("https://c.example").build();

        assertThat(first.maxInFlight()).isEqualTo(10);
        assertThat(first.allowedOrigins()).containsExactly("https://a.example");
        assertThat(b.build().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(copy.maxInFlight()).isEqualTo(30);
        assertThat(copy.allowedOrigins()).containsExactly("https://a.example", "https://c.example");
        assertThatThrownBy(() -> first.allowedOrigins().add("https://d.example")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void bothSidesTakeTheSameKeepAliveAndCompressionValues() {
        KeepAlive keepAlive = KeepAlive.of(Duration.ofSeconds(5), Duration.ofSeconds(20));
        Compression compression = Compression.deflate(512);
        ServerOptions server = ServerOptions.builder().keepAlive(keepAlive).compression(compression).build();
        ClientOptions client = ClientOptions.builder().keepAlive(keepAlive).compression(compression).build();

        assertThat(server.keepAlive()).isSameAs(client.keepAlive()).isEqualTo(KeepAlive.of(Duration.ofSeconds(5), Duration.ofSeconds(20)));
        assertThat(server.toBuilder().build().compression()).isEqualTo(client.toBuilder().build().compression())
                .isEqualTo(Compression.deflate(512)).isNotEqualTo(Compression.deflate());
        assertThat(compression.isEnabled()).isTrue();
        assertThat(compression.thresholdBytes()).isEqualTo(512);
        assertThat(Compression.deflate().thresholdBytes()).isEqualTo(Compression.DEFAULT_THRESHOLD).isEqualTo(1024);
        assertThat(Compression.off().thresholdBytes()).isEqualTo(-1);
        assertThat(KeepAlive.defaults().pingInterval()).isEqualTo(KeepAlive.DEFAULT_PING_INTERVAL).isEqualTo(Duration.ofSeconds(30));
        assertThat(KeepAlive.defaults().idleTimeout()).isEqualTo(KeepAlive.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofSeconds(90));
        assertThat(server.toString()).contains("KeepAlive[ping PT5S, idle PT20S]").contains("Compression[deflate >= 512 bytes]");
        assertThat(ClientOptions.builder().build().toString()).doesNotContain("Compression");
        assertThatThrownBy(() -> ServerOptions.builder().keepAlive(null)).isInstanceOf(NullPointerException.class).hasMessage("keepAlive");
        assertThatThrownBy(() -> ClientOptions.builder().compression(null)).isInstanceOf(NullPointerException.class).hasMessage("compression");
    }

    @Test
    void aClientValueDoesNotChangeWithItsBuilder() {
        dev.hardlight.ClientInterceptor none = call -> null;
        ClientOptions.Builder b = ClientOptions.builder().header("X-A", "1").interceptor(none);
        ClientOptions first = b.build();
        b.header("X-B", "2").interceptor(none);
        ClientOptions copy = first.toBuilder().header("X-C", "3").build();

        assertThat(first.headers()).extracting(java.util.Map.Entry::getKey).containsExactly("X-A");
        assertThat(first.interceptors()).hasSize(1);
        assertThat(b.build().headers()).extracting(java.util.Map.Entry::getKey).containsExactly("X-A", "X-B");
        assertThat(b.build().interceptors()).hasSize(2);
        assertThat(copy.headers()).extracting(java.util.Map.Entry::getKey).containsExactly("X-A", "X-C");
        assertThatThrownBy(() -> first.headers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.interceptors().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void checksEachSettingAsItIsSet() {
        assertThatThrownBy(() -> ServerOptions.builder().maxInFlight(65_536))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxInFlight: 65536 (expected: 1..65535)");
        assertThatThrownBy(() -> ServerOptions.builder().path("hl"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: starts with '/'");
        assertThatThrownBy(() -> ServerOptions.builder().drainTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainTimeout");
    }

    @Test
    void aServerStartsFromAnOptionsValueAndItsBuilderChangesACopy() throws Exception {
        ServerOptions options = ServerOptions.builder().tls(TestServer.TLS).bind("127.0.0.1", 0).path("/counter").build();
        ServerBuilder<Counter> builder = HardLight.server(Counter.class, c -> new CounterHandler(new CounterHandler.Probe(1), new CountDownLatch(0), new CountDownLatch(0)))
                .options(options).maxInFlight(4);
        try (HardLightServer server = builder.start();
             CounterClient client = HardLight.connect(URI.create("wss://localhost:" + server.port() + "/counter"),
                     ClientOptions.pinned(server.tlsFingerprint()), CounterClient.FACTORY)) {
            assertThat(client.increment(2)).isEqualTo(2);
        }
        assertThat(options.maxInFlight()).as("the value given is not changed by the builder").isEqualTo(256);
        assertThatThrownBy(() -> HardLight.server(Counter.class, c -> new CounterHandler(new CounterHandler.Probe(1), new CountDownLatch(0), new CountDownLatch(0)))
                .options(ServerOptions.builder().bind(0).build()).start())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("no TLS configured");
    }
}
