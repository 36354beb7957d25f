package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Event;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic reconnect, the connection lifecycle and proactive replacement, over real TLS connections;
 * the server crash is a real one: a server process killed with SIGKILL.
 */
@ExtendWith(LeakDetection.class)
@Timeout(90)
class ReconnectTest {
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(400)).build();
    /** What the in-process servers' slow calls say when they start. */
    private final BlockingQueue<String> started = new LinkedBlockingQueue<>();

    /** Records the lifecycle as the client tells it. */
    private final BlockingQueue<ConnectionEvent> lifecycle = new LinkedBlockingQueue<>();

    @TempDir
    Path certDir;

    @AfterEach
    void everyEventWasExpected() {
        assertThat(lifecycle).as("lifecycle events nobody checked").isEmpty();
    }

    private <T extends ConnectionEvent> T next(Class<T> type) throws InterruptedException {
        ConnectionEvent e = lifecycle.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("next lifecycle event").isInstanceOf(type);
        return type.cast(e);
    }

    /** Skips the Reconnecting events of failed attempts (numbered 1, 2, ...) up to the Connected that ends them. */
    private int reconnectingUntilConnected() throws InterruptedException {
        int attempts = 0;
        while (true) {
            ConnectionEvent e = lifecycle.poll(30, TimeUnit.SECONDS);
            if (e instanceof ConnectionEvent.Reconnecting r) {
                assertThat(r.attempt()).isEqualTo(++attempts);
                assertThat(r.delay()).isLessThanOrEqualTo(FAST.maxDelay());
            } else {
                assertThat(e).isEqualTo(new ConnectionEvent.Connected(true));
                assertThat(attempts).isPositive();
                return attempts;
            }
        }
    }

    private ClientOptions.Builder options(String fingerprint) {
        return ClientOptions.builder().pinned(fingerprint).connectionListener(lifecycle::add);
    }

    private static URI uri(int port) {
        return URI.create("wss://localhost:" + port + "/hl");
    }

    private static RpcException failure(CompletableFuture<?> f) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(RpcException.class);
        return (RpcException) e.getCause();
    }

    @Test
    void serverKilledMidTrafficThenRestarted() throws Exception {
        LedgerProcess a = LedgerProcess.start("A", 0, certDir);
        int port = a.port;
        LedgerProcess b = null;
        BlockingQueue<Event<Ledger.Note>> heard = new LinkedBlockingQueue<>();
        BlockingQueue<Ledger.State> snapshots = new LinkedBlockingQueue<>();
        try (LedgerClient client = HardLight.connect(uri(port), options(a.fingerprint).reconnect(FAST).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            assertThat(next(ConnectionEvent.Connected.class).reconnected()).isFalse();
            client.onStateChange((before, after) -> snapshots.add(after));
            assertThat(client.state()).isEqualTo(new Ledger.State("A", 1));
            assertThat(client.whoAmI()).isEqualTo("A");
            assertThat(client.post(1)).isEqualTo(1);
            assertThat(client.events().poll(Duration.ofSeconds(10))).contains(new Event<>(LedgerServer.TOPIC,
                    new Ledger.Posted("A", 1), 0, false));
            client.onEvent(heard::add);

            // two calls running in the server when it dies
            CompletableFuture<Integer> post = client.slowPostAsync(5, 60_000);
            a.expect("STARTED slowPost");
            CompletableFuture<String> read = client.slowReadAsync(200);
            a.expect("STARTED slowRead");
            a.kill();

            RpcException lost = failure(post);
            assertThat(lost.status()).as("a call that may have run fails fast").isEqualTo(Status.CONNECTION_LOST);
            assertThat(next(ConnectionEvent.Disconnected.class).reason().status()).isEqualTo(Status.CONNECTION_LOST);
            assertThat(read).as("an idempotent call waits to be sent again").isNotDone();

            // during the outage: a call with a deadline fails by it, one without waits for the server
            assertThatThrownBy(() -> client.withDeadline(Duration.ofMillis(300)).whoAmI())
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED);
                        assertThat(e.getMessage()).contains("Ledger.whoAmI did not complete within 300 ms")
                                .contains("not connected");
                    });
            CompletableFuture<String> waiting = client.whoAmIAsync();
            assertThat(client.channel().isOpen()).isFalse();

            b = LedgerProcess.start("B", port, certDir); // same port, same persisted certificate
            reconnectingUntilConnected();
            assertThat(read.get(20, TimeUnit.SECONDS)).as("sent again, answered by the new server").isEqualTo("B");
            assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo("B");
            assertThat(client.state()).as("a fresh snapshot").isEqualTo(new Ledger.State("B", 1));
            assertThat(snapshots.poll(10, TimeUnit.SECONDS)).isEqualTo(new Ledger.State("B", 1));
            assertThat(client.channel().isOpen()).isTrue();

            assertThat(client.post(2)).isEqualTo(1);
            Event<Ledger.Note> first = heard.poll(10, TimeUnit.SECONDS);
            assertThat(first).isEqualTo(new Event<>(LedgerServer.TOPIC, new Ledger.Posted("B", 2), 0, true));
            assertThat(client.events().poll(Duration.ofSeconds(10))).as("the same stream goes on").contains(first);
            assertThat(client.post(3)).isEqualTo(1);
            assertThat(client.events().poll(Duration.ofSeconds(10)).orElseThrow().afterReconnect()).isFalse();
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
        assertThat(next(ConnectionEvent.Closed.class).reason()).isNull();
    }

    @Test
    void withoutReconnectALossClosesTheClient() throws Exception {
        HardLightServer server = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        try (LedgerClient client = HardLight.connect(uri(server.port()), options(server.tlsFingerprint()).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            server.close();
            RpcException reason = next(ConnectionEvent.Disconnected.class).reason();
            assertThat(reason.status()).isEqualTo(Status.CONNECTION_LOST);
            assertThat(next(ConnectionEvent.Closed.class).reason()).isSameAs(reason);
            assertThatThrownBy(client::whoAmI).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
            assertThatThrownBy(() -> client.events().take()).isInstanceOf(RpcException.class);
        } finally {
            server.close();
        }
        assertThat(lifecycle).isEmpty(); // close after Closed tells nothing more
    }

    @Test
    void aFirstConnectThatFailsIsNotRetried() throws Exception {
        HardLightServer server = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        int port = server.port();
        String fingerprint = server.tlsFingerprint();
        server.close();
        assertThatThrownBy(() -> HardLight.connect(uri(port), options(fingerprint).reconnect(FAST).build(), LedgerClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE));
        next(ConnectionEvent.Connecting.class);
        assertThat(next(ConnectionEvent.Closed.class).reason().status()).isEqualTo(Status.UNAVAILABLE);
    }

    @Test
    void givesUpAfterMaxAttemptsAndThenFailsCallsAtOnce() throws Exception {
        HardLightServer server = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        ReconnectPolicy twice = FAST.toBuilder().maxAttempts(2).build();
        try (LedgerClient client = HardLight.connect(uri(server.port()),
                options(server.tlsFingerprint()).reconnect(twice).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            server.close();
            next(ConnectionEvent.Disconnected.class);
            assertThat(next(ConnectionEvent.Reconnecting.class).attempt()).isEqualTo(1);
            assertThat(next(ConnectionEvent.Reconnecting.class).attempt()).isEqualTo(2);
            RpcException gaveUp = next(ConnectionEvent.Closed.class).reason();
            assertThat(gaveUp.status()).isEqualTo(Status.UNAVAILABLE);
            assertThat(gaveUp.getMessage()).startsWith("gave up reconnecting to localhost:" + server.port() + " after 2 attempts");
            assertThatThrownBy(client::whoAmI).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.getMessage()).isEqualTo(gaveUp.getMessage()));
        } finally {
            server.close();
        }
    }

    @Test
    void closingTheClientGroupEndsReconnecting() throws Exception {
        HardLightServer server = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        ClientGroup group = ClientGroup.create(1);
        try (LedgerClient client = HardLight.connect(uri(server.port()),
                options(server.tlsFingerprint()).reconnect(FAST).group(group).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            group.close();
            next(ConnectionEvent.Disconnected.class);
            ConnectionEvent e;
            while ((e = lifecycle.poll(30, TimeUnit.SECONDS)) instanceof ConnectionEvent.Reconnecting) {
                // at most the attempt that finds the group closed
            }
            assertThat(e).isInstanceOfSatisfying(ConnectionEvent.Closed.class,
                    c -> assertThat(c.reason().getMessage()).contains("ClientGroup is closed"));
            assertThatThrownBy(client::whoAmI).isInstanceOf(RpcException.class);
        } finally {
            group.close();
            server.close();
        }
    }

    @Test
    void closeWhileReconnectingStopsItAndFailsWaitingCalls() throws Exception {
        HardLightServer server = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        ReconnectPolicy slow = FAST.toBuilder().initialDelay(Duration.ofSeconds(5)).maxDelay(Duration.ofSeconds(5)).build();
        LedgerClient client = HardLight.connect(uri(server.port()), options(server.tlsFingerprint()).reconnect(slow).build(), LedgerClient.FACTORY);
        try {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            server.close();
            next(ConnectionEvent.Disconnected.class);
            next(ConnectionEvent.Reconnecting.class);
            CompletableFuture<String> waiting = client.whoAmIAsync();
            client.close();
            assertThat(failure(waiting).status()).isEqualTo(Status.CONNECTION_LOST);
            assertThat(next(ConnectionEvent.Closed.class).reason()).isNull();
            assertThatThrownBy(() -> client.events().take()).isInstanceOf(RpcException.class);
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void aGracefulRestartLosesNoIdempotentCall() throws Exception {
        HardLightServer a = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        int port = a.port();
        HardLightServer b = null;
        Path recording = certDir.resolve("calls.hlrec");
        try (LedgerClient client = HardLight.connect(uri(port),
                options(a.tlsFingerprint()).reconnect(FAST).record(recording).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            CompletableFuture<String> inFlight = client.slowReadAsync(300);
            assertThat(started.poll(10, TimeUnit.SECONDS)).isEqualTo("STARTED slowRead");
            a.close(); // GO_AWAY, the call in flight is answered, then 1001; attempts to connect again are refused
            assertThat(inFlight.get(20, TimeUnit.SECONDS)).isEqualTo("A");
            next(ConnectionEvent.Disconnected.class);
            b = LedgerServer.start("B", TestServer.TLS, port, started::add);
            reconnectingUntilConnected();
            assertThat(client.whoAmI()).isEqualTo("B");
            assertThat(client.state()).isEqualTo(new Ledger.State("B", 1));
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
        next(ConnectionEvent.Closed.class);
        // every connection attempt has its own recording: the first went to A, the last to B
        Await.until("the recordings are complete", Duration.ofSeconds(10), () -> readable(recording));
        assertThat(summaries(recording)).anyMatch(f -> f.contains("slowRead"));
        try (var files = java.nio.file.Files.list(certDir)) {
            List<Path> later = files.filter(f -> f.getFileName().toString().matches("calls-\\d+\\.hlrec")).sorted(
                    java.util.Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("\\D", "")))).toList();
            assertThat(later).isNotEmpty();
            Path last = later.get(later.size() - 1);
            Await.until("the last recording is complete", Duration.ofSeconds(10), () -> readable(last));
            assertThat(summaries(last)).anyMatch(f -> f.contains("whoAmI"));
        }
    }

    private static boolean readable(Path file) {
        try {
            return !Recording.read(file).isCutShort(); // complete: not still being written
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static List<String> summaries(Path file) throws java.io.IOException {
        return Recording.read(file).decode().stream().map(Recording.Frame::toString).toList();
    }

    @Test
    void onGoAwayTheClientConnectsAgainAtOnceWhileTheOldConnectionDrains() throws Exception {
        HardLightServer a = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        HardLightServer b = LedgerServer.start("B", TestServer.TLS, 0, started::add);
        try (Forwarder balancer = new Forwarder(a.port());
             LedgerClient client = HardLight.connect(uri(balancer.port()), options(a.tlsFingerprint()).reconnect(FAST).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            CompletableFuture<String> draining = client.slowReadAsync(1_500); // within A's drain timeout (2 s)
            assertThat(started.poll(10, TimeUnit.SECONDS)).isEqualTo("STARTED slowRead");
            balancer.backend(b.port()); // a rolling restart: A leaves the pool, then shuts down
            CompletableFuture<Void> closing = CompletableFuture.runAsync(a::close, r -> Thread.ofPlatform().start(r));

            assertThat(next(ConnectionEvent.Connected.class).reconnected()).as("no Disconnected, no Reconnecting").isTrue();
            assertThat(client.whoAmI()).as("new calls go to B while A drains").isEqualTo("B");
            assertThat(client.state()).isEqualTo(new Ledger.State("B", 1));
            assertThat(draining.get(20, TimeUnit.SECONDS)).as("answered by A as it drained").isEqualTo("A");
            closing.get(20, TimeUnit.SECONDS);
            assertThat(client.whoAmI()).isEqualTo("B");
        } finally {
            a.close();
            b.close();
        }
        next(ConnectionEvent.Closed.class);
    }

    @Test
    void reconnectAfterReplacesTheConnectionWithoutFailingOrDelayingCalls() throws Exception {
        HardLightServer server = LedgerServer.start("A", TestServer.TLS, 0, started::add);
        try (LedgerClient client = HardLight.connect(uri(server.port()),
                options(server.tlsFingerprint()).reconnectAfter(Duration.ofSeconds(1)).build(), LedgerClient.FACTORY)) {
            next(ConnectionEvent.Connecting.class);
            next(ConnectionEvent.Connected.class);
            CompletableFuture<String> spanning = client.slowReadAsync(2_000); // still pending when the connection ages out
            assertThat(started.poll(10, TimeUnit.SECONDS)).isEqualTo("STARTED slowRead");
            assertThat(next(ConnectionEvent.Reconnecting.class)).isEqualTo(new ConnectionEvent.Reconnecting(1, Duration.ZERO));
            assertThat(next(ConnectionEvent.Connected.class).reconnected()).isTrue();
            assertThat(client.state()).isEqualTo(new Ledger.State("A", 2));
            assertThat(client.post(7)).as("the old connection no longer counts once drained or muted").isBetween(1, 2);
            assertThat(client.events().poll(Duration.ofSeconds(10)).orElseThrow())
                    .isEqualTo(new Event<>(LedgerServer.TOPIC, new Ledger.Posted("A", 7), 0, true));
            assertThat(spanning.get(20, TimeUnit.SECONDS)).as("answered on the old connection").isEqualTo("A");
            Await.until("the old connection closes once drained", Duration.ofSeconds(10), () -> server.connectionCount() == 1);
            assertThat(client.events().poll(Duration.ofMillis(200))).as("no event twice").isEmpty();
        } finally {
            server.close();
        }
        // a further replacement may have begun meanwhile (each second): only such steps precede the end
        List<ConnectionEvent> rest = new java.util.ArrayList<>();
        lifecycle.drainTo(rest);
        assertThat(rest).last().isEqualTo(new ConnectionEvent.Closed(null));
        assertThat(rest.subList(0, rest.size() - 1)).allMatch(e -> e.equals(new ConnectionEvent.Reconnecting(1, Duration.ZERO))
                || e.equals(new ConnectionEvent.Connected(true)));
    }

    @Test
    void policyDelaysGrowExponentiallyWithinTheirJitterAndCap() {
        ReconnectPolicy p = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1))
                .multiplier(2).jitter(0.2).build();
        for (int i = 0; i < 200; i++) {
            assertThat(p.delay(1)).isBetween(Duration.ofMillis(80), Duration.ofMillis(120));
            assertThat(p.delay(3)).isBetween(Duration.ofMillis(320), Duration.ofMillis(480));
            assertThat(p.delay(10)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
            assertThat(p.delay(Integer.MAX_VALUE)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        }
        ReconnectPolicy exact = p.toBuilder().jitter(0).build();
        assertThat(List.of(exact.delay(1), exact.delay(2), exact.delay(4), exact.delay(5)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(1));
        assertThatThrownBy(() -> p.delay(0)).hasMessage("attempt: 0 (expected: >= 1)");
        assertThatThrownBy(() -> ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(1)).build())
                .hasMessage("maxDelay: PT1S (expected: >= initialDelay PT2S)");
        assertThatThrownBy(() -> ReconnectPolicy.builder().jitter(1.5)).hasMessage("jitter: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> ReconnectPolicy.builder().multiplier(0.5)).hasMessage("multiplier: 0.5 (expected: 1..10)");
        assertThatThrownBy(() -> ReconnectPolicy.builder().maxAttempts(-1)).hasMessage("maxAttempts: -1 (expected: >= 0)");
        assertThatThrownBy(() -> ClientOptions.builder().reconnectAfter(Duration.ofMillis(10)))
                .hasMessage("reconnectAfter: PT0.01S (expected: >= 1 s)");
    }
}
