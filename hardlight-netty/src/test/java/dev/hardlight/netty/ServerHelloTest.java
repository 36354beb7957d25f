package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ServiceDescriptor;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link HardLight#hello} over real connections, and {@link ServerBuilder#hideSchema()}. */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class ServerHelloTest {
    private static final ServiceDescriptor<Counter> COUNTER = CounterSchema.DESCRIPTOR;
    private static final ClientOptions PLAIN = ClientOptions.builder().insecurePlaintext().build();

    private static URI uri(HardLightServer server, String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Test
    void helloTellsWhatTheServerServesWithItsSchemaText() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).maxInFlight(77).start()) {
            ServerHello hello = HardLight.hello(uri(server, "/hl"), PLAIN);
            assertThat(hello).isEqualTo(new ServerHello(COUNTER.name(), COUNTER.fingerprintHex(), COUNTER.schema(), 77,
                    1 << 20));
            // the probe's connection is closed, and the server still serves ordinary clients
            Await.until("the probe's connection closed", java.time.Duration.ofSeconds(5), () -> server.connectionCount() == 0);
            try (CounterClient client = HardLight.connect(uri(server, "/hl"), PLAIN, CounterClient.FACTORY)) {
                assertThat(client.increment(2)).isEqualTo(2);
            }
        }
    }

    @Test
    void aServerThatHidesItsSchemaSendsNoneAndClientsOfTheSameContractStillConnect() {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).hideSchema().start()) {
            ServerHello hello = HardLight.hello(uri(server, "/hl"), PLAIN);
            assertThat(hello.schema()).isNull();
            assertThat(hello.service()).isEqualTo(COUNTER.name());
            assertThat(hello.fingerprint()).isEqualTo(COUNTER.fingerprintHex());
            try (CounterClient client = HardLight.connect(uri(server, "/hl"), PLAIN, CounterClient.FACTORY)) {
                assertThat(client.increment(5)).isEqualTo(5);
            }
        }
    }

    @Test
    void helloFailsAsConnectDoesWhenTheUpgradeIsRefused() {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).start()) {
            assertThatThrownBy(() -> HardLight.hello(uri(server, "/elsewhere"), PLAIN))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND))
                    .hasMessageContaining("no HardLight service at /elsewhere");
        }
    }
}
