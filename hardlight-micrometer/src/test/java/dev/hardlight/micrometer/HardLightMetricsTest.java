package dev.hardlight.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.HardLight;
import dev.hardlight.service.Services;
import dev.hardlight.testing.Await;
import dev.hardlight.testing.ConnectionRecorder;
import dev.hardlight.testing.EventRecorder;
import dev.hardlight.testing.HardLightExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every meter checked by value after a known sequence of calls, errors, events, drops, refusals and a reconnect. */
@Timeout(60)
class HardLightMetricsTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final HardLightMetrics metrics = new HardLightMetrics(registry);

    @RegisterExtension
    final HardLightExtension<Probe> hl = HardLightExtension.serve(Probe.class, ProbeHandler::new)
            .configure(b -> b.observer(metrics.server()).outboundHighWaterMark(1024));

    ProbeClient client() {
        return hl.connect(ProbeClient::new, b -> b.observer(metrics.client()));
    }

    @Test
    void callsErrorsEventsDropsAndBytesAreCountedExactly() throws Exception {
        ProbeClient a = client();
        for (int i = 0; i < 3; i++) {
            assertThat(a.echo(i)).isEqualTo(i);
        }
        assertThatThrownBy(() -> a.fail("thing")).isInstanceOf(RpcException.class);
        assertThatThrownBy(() -> a.fail("declared")).isInstanceOf(ProbeException.class);
        for (String side : new String[] {"server", "client"}) {
            assertThat(calls(side, "echo", "OK")).as(side).isEqualTo(3);
            assertThat(calls(side, "fail", "NOT_FOUND")).as(side).isEqualTo(1);
            assertThat(calls(side, "fail", "APPLICATION_ERROR")).as(side).isEqualTo(1);
            assertThat(started(side, "echo")).as(side).isEqualTo(3);
            assertThat(started(side, "fail")).as(side).isEqualTo(2);
            assertThat(gauge("hardlight." + side + ".calls.active")).as(side).isZero();
            assertThat(gauge("hardlight." + side + ".connections.open")).as(side).isEqualTo(1);
        }
        Timer echo = registry.get("rpc.server.call.duration").tag("rpc.method", "echo").timer();
        assertThat(echo.getId().getTag("rpc.system")).isEqualTo("hardlight");
        assertThat(echo.getId().getTag("rpc.service")).isEqualTo(Services.descriptor(Probe.class).name());
        assertThat(echo.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();

        // Events: one shout to two connections.
        ProbeClient b = client();
        EventRecorder<ProbeEvent> atA = new EventRecorder<>();
        EventRecorder<ProbeEvent> atB = new EventRecorder<>();
        a.onEvent(atA);
        b.onEvent(atB);
        assertThat(a.shout("hi")).isEqualTo(2);
        atA.awaitNext(WAIT);
        atB.awaitNext(WAIT);
        assertThat(counter("hardlight.server.events.sent")).isEqualTo(2);
        assertThat(counter("hardlight.client.events.received")).isEqualTo(2);

        // Drops: the server bursts 16 KiB events at a connection whose high-water mark is 1 KiB, so an
        // event emitted while an earlier one is still unwritten is dropped; every event is either
        // queued or dropped. (The burst is kept small: the client keeps reading into its own bounded
        // queue, so what is queued crosses TLS for real, and a loaded machine must finish it in time.)
        ProbeClient slow = client();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        slow.onEvent(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        int burst = 500;
        java.util.concurrent.CompletableFuture<Integer> bursting = slow.burstAsync(burst, 16 * 1024);
        Await.until("events to be dropped", () -> registry.find("hardlight.server.events.dropped").counter() != null, WAIT);
        release.countDown();
        assertThat(bursting.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the connections the events went to").isEqualTo(burst);
        double dropped = registry.get("hardlight.server.events.dropped").tag("hardlight.slow_consumer.policy", "drop_events")
                .counter().count();
        double queued = counter("hardlight.server.events.sent") - 2;
        assertThat(dropped).isBetween(1.0, burst - 1.0);
        assertThat(queued + dropped).as("each event of the burst queued or dropped").isEqualTo(burst);
        Await.until("the client to receive every queued event",
                () -> counter("hardlight.client.events.received") == 2 + queued, WAIT);

        // Bytes: what one side sent, the other received, message for message.
        Await.until("client bytes sent == server bytes received",
                () -> counter("hardlight.client.bytes.sent") == counter("hardlight.server.bytes.received"), WAIT);
        Await.until("server bytes sent == client bytes received",
                () -> counter("hardlight.server.bytes.sent") == counter("hardlight.client.bytes.received"), WAIT);
        assertThat(counter("hardlight.server.bytes.sent")).isGreaterThan(queued * 16 * 1024.0);
    }

    @Test
    void refusedUpgradesAndFailedConnectsAreCounted() throws Exception {
        URI wrongPath = URI.create("wss://localhost:" + hl.server().port() + "/nope");
        ClientOptions options = hl.clientOptionsBuilder().observer(metrics.client()).build();
        assertThatThrownBy(() -> HardLight.connect(wrongPath, options, Services.descriptor(Probe.class)))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND));
        assertThat(registry.get("hardlight.server.upgrades.refused").tag("http.response.status_code", "404")
                .counter().count()).isEqualTo(1);
        assertThat(counter("hardlight.client.connect.failures")).isEqualTo(1);

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI nobody = URI.create("wss://localhost:" + closedPort + "/hl");
        ClientOptions options2 = hl.clientOptionsBuilder().observer(metrics.client()).build();
        assertThatThrownBy(() -> HardLight.connect(nobody, options2, Services.descriptor(Probe.class)))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE));
        assertThat(counter("hardlight.client.connect.failures")).isEqualTo(2);
        assertThat(gauge("hardlight.client.connections.open")).isZero();
        assertThat(counter("hardlight.client.reconnects")).isZero();
    }

    @Test
    void aReconnectIsCountedAndConnectionsFollow() {
        ConnectionRecorder events = new ConnectionRecorder();
        ProbeClient c = hl.connect(ProbeClient::new, b -> b.observer(metrics.client()).reconnect().connectionListener(events));
        ProbeClient plain = client();
        assertThat(gauge("hardlight.server.connections.open")).isEqualTo(2);
        assertThat(gauge("hardlight.client.connections.open")).isEqualTo(2);
        hl.restart();
        events.await(ConnectionEvent.Disconnected.class, WAIT);
        assertThat(events.await(ConnectionEvent.Connected.class, WAIT).reconnected()).isTrue();
        assertThat(c.echo(7)).isEqualTo(7);
        assertThat(counter("hardlight.client.reconnects")).isEqualTo(1);
        Await.until("one connection open on each side",
                () -> gauge("hardlight.client.connections.open") == 1 && gauge("hardlight.server.connections.open") == 1, WAIT);
        assertThat(plain.channel().isOpen()).isFalse();
        assertThat(counter("hardlight.client.connect.failures"))
                .as("each failed attempt is one Reconnecting after another").isEqualTo(
                        events.all().stream().filter(e -> e instanceof ConnectionEvent.Reconnecting).count() - 1);
    }

    @Test
    void withoutAnObserverNothingIsMeasured() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        new HardLightMetrics(other); // meters exist, but no server or client reports to them
        ProbeClient unobserved = hl.connect(ProbeClient::new);
        unobserved.echo(1);
        assertThat(other.get("hardlight.server.bytes.received").counter().count()).isZero();
        assertThat(other.find("rpc.server.call.duration").timers()).isEmpty();
        assertThat(counter("hardlight.client.bytes.sent")).as("this test's client has no observer").isZero();
    }

    private double calls(String side, String method, String status) {
        Timer t = registry.find("rpc." + side + ".call.duration").tag("rpc.method", method)
                .tag("rpc.response.status_code", status).timer();
        return t == null ? 0 : t.count();
    }

    private double started(String side, String method) {
        Counter c = registry.find("hardlight." + side + ".calls.started").tag("rpc.method", method).counter();
        return c == null ? 0 : c.count();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private double gauge(String name) {
        Gauge g = registry.get(name).gauge();
        return g.value();
    }
}
