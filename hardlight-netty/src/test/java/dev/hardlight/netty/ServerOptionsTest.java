package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Server options as a value: defaults, copies that do not share state, and a server started from one. */
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
