package dev.hardlight.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class IoServiceTest {

    /** The user context: what every endpoint saw. */
    static final class Seen {
        final List<String> messages = new ArrayList<>();
        final List<Disconnect> disconnects = new ArrayList<>();
        int connects;
    }

    /** Subscribes to its name on connect (the echo server sends it back) and records everything in the context. */
    static class Feed implements Endpoint<Seen> {
        final URI uri;
        final String name;
        Predicate<Disconnect> reconnect = d -> true;
        Duration ttl;
        Duration idleTimeout;

        Feed(URI uri, String name) {
            this.uri = uri;
            this.name = name;
        }

        @Override
        public URI uri() {
            return uri;
        }

        @Override
        public Duration ttl() {
            return ttl;
        }

        @Override
        public Duration idleTimeout() {
            return idleTimeout;
        }

        @Override
        public void onConnected(WebSocket ws, Seen seen) {
            seen.connects++;
            ws.sendText("subscribe " + name);
        }

        @Override
        public void onFrame(WebSocket ws, Frame frame, Seen seen) {
            seen.messages.add(frame.asString());
        }

        @Override
        public boolean canReconnect(Disconnect disconnect, Seen seen) {
            seen.disconnects.add(disconnect);
            return reconnect.test(disconnect);
        }
    }

    private TestWebSocketServer server;
    private IoService<Seen> io;
    private final Seen seen = new Seen();

    @BeforeEach
    void start() throws Exception {
        server = TestWebSocketServer.plain();
    }

    @AfterEach
    void stop() {
        if (io != null) {
            io.close();
        }
        server.close();
    }

    private IoService.Builder<Seen> fast() {
        return IoService.builder(seen).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private void pollUntil(BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within 10 s; seen " + seen.messages + ", disconnects " + seen.disconnects);
            }
            if (io.poll() == 0) {
                Thread.onSpinWait();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SelectorKind.class)
    void threeFeedsOnOneThreadWithEitherSelector(SelectorKind kind) {
        io = fast().selector(kind).build();
        for (String name : List.of("btc", "eth", "xrp")) {
            io.register(new Feed(server.uri(), name));
        }
        assertThat(io.endpoints()).isEqualTo(3);
        pollUntil(() -> seen.messages.size() == 3);
        assertThat(seen.messages).containsExactlyInAnyOrder("subscribe btc", "subscribe eth", "subscribe xrp");
        assertThat(io.context()).isSameAs(seen);
        assertThat(seen.connects).isEqualTo(3);
    }

    @Test
    void reconnectsAfterTheServerDropsTheConnection() {
        io = fast().build();
        Feed feed = new Feed(server.uri(), "btc");
        io.register(feed);
        pollUntil(() -> seen.messages.size() == 1);
        server.dropAll();
        pollUntil(() -> seen.messages.size() == 2);
        assertThat(seen.connects).isEqualTo(2);
        assertThat(server.upgrades.get()).isEqualTo(2);
        assertThat(seen.disconnects).hasSize(1);
        assertThat(seen.disconnects.get(0).reason()).isEqualTo(Disconnect.Reason.CLOSED);
        assertThat(seen.disconnects.get(0).closeCode()).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
        assertThat(io.connection(feed)).isNotNull();
    }

    @Test
    void anEndpointThatDeclinesToReconnectIsRemoved() {
        io = fast().build();
        Feed feed = new Feed(server.uri(), "once");
        feed.reconnect = d -> false;
        io.register(feed);
        pollUntil(() -> seen.messages.size() == 1);
        server.dropAll();
        pollUntil(() -> io.endpoints() == 0);
        assertThat(seen.connects).isEqualTo(1);
    }

    @Test
    void aConnectionIsRecreatedWhenItsTimeToLiveExpires() throws Exception {
        io = fast().build();
        Feed feed = new Feed(server.uri(), "ttl");
        feed.ttl = Duration.ofMillis(300);
        io.register(feed);
        pollUntil(() -> seen.connects == 3);
        assertThat(seen.disconnects).extracting(Disconnect::reason).containsOnly(Disconnect.Reason.TTL_EXPIRED);
        assertThat(server.closeCodes.poll(5, TimeUnit.SECONDS)).as("a close handshake, not a drop").isEqualTo(1000);
    }

    @Test
    void aSilentServerIsDroppedAfterTheIdleTimeoutAndTheFeedReconnected() {
        io = fast().build();
        Feed feed = new Feed(server.uri(), "quiet");
        feed.idleTimeout = Duration.ofMillis(300);
        io.register(feed);
        // the server echoes the subscription, then says nothing
        pollUntil(() -> seen.connects == 2);
        assertThat(seen.messages).hasSizeGreaterThanOrEqualTo(1);
        assertThat(seen.disconnects.get(0).reason()).isEqualTo(Disconnect.Reason.IDLE_TIMEOUT);
        assertThat(seen.disconnects.get(0).detail()).isEqualTo("nothing received for 300 ms");
    }

    @Test
    void aNameThatDoesNotResolveIsRetriedWithBackOff() {
        AtomicInteger calls = new AtomicInteger();
        io = fast().resolver(host -> {
            calls.incrementAndGet();
            throw new UnknownHostException(host + ": no such host");
        }).build();
        io.register(new Feed(URI.create("ws://feed.invalid/ws"), "x"));
        pollUntil(() -> seen.disconnects.size() == 3);
        assertThat(seen.disconnects).extracting(Disconnect::reason).containsOnly(Disconnect.Reason.DNS_FAILED);
        assertThat(seen.disconnects.get(0).detail()).contains("cannot resolve feed.invalid").contains("no such host");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aResolutionSlowerThanTheDnsTimeoutFailsWithoutBlockingThePoll() {
        CountDownLatch never = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean resolving = new java.util.concurrent.atomic.AtomicBoolean();
        io = fast().dnsTimeout(Duration.ofMillis(200)).resolver(host -> {
            resolving.set(true);
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException("interrupted");
        }).build();
        io.register(new Feed(URI.create("ws://slow.example/ws"), "x"));
        int returnedWhileResolving = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.disconnects.isEmpty() && System.nanoTime() < deadline) {
            io.poll();
            if (resolving.get() && seen.disconnects.isEmpty()) {
                returnedWhileResolving++;
            }
        }
        assertThat(seen.disconnects).isNotEmpty();
        assertThat(seen.disconnects.get(0).reason()).isEqualTo(Disconnect.Reason.DNS_TIMEOUT);
        assertThat(seen.disconnects.get(0).detail()).contains("took over 200 ms");
        // The poll never waited for the resolver: polls returned while the resolution was in
        // progress, before its timeout (a poll that waited would return only with the timeout).
        assertThat(returnedWhileResolving).isPositive();
    }

    @Test
    void pendingConnectsAreThrottled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger resolving = new AtomicInteger();
        io = fast().maxPendingConnects(1).resolver(host -> {
            resolving.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getLoopbackAddress();
        }).build();
        io.register(new Feed(server.uri(), "a"));
        io.register(new Feed(server.uri(), "b"));
        io.register(new Feed(server.uri(), "c"));
        pollUntil(() -> resolving.get() == 1);
        for (int i = 0; i < 1000; i++) {
            io.poll();
        }
        Thread.sleep(50); // a second resolution, wrongly started, would have reached the resolver by now
        assertThat(resolving.get()).as("one pending at a time").isEqualTo(1);
        release.countDown();
        pollUntil(() -> seen.messages.size() == 3);
        assertThat(resolving.get()).isEqualTo(3);
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            io = fast().connectTimeout(Duration.ofMillis(300)).build();
            Feed feed = new Feed(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws"), "x");
            feed.reconnect = d -> false;
            io.register(feed);
            pollUntil(() -> io.endpoints() == 0);
            assertThat(seen.disconnects).extracting(Disconnect::reason).containsExactly(Disconnect.Reason.CONNECT_TIMEOUT);
        }
    }

    @Test
    void aRefusedConnectionIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        io = fast().build();
        Feed feed = new Feed(URI.create("ws://127.0.0.1:" + port + "/ws"), "x");
        feed.reconnect = d -> false;
        io.register(feed);
        pollUntil(() -> io.endpoints() == 0);
        assertThat(seen.disconnects).extracting(Disconnect::reason).containsExactly(Disconnect.Reason.CONNECT_FAILED);
        assertThat(seen.disconnects.get(0).closeCode()).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
    }

    @Test
    void aCallbackThatThrowsDropsTheConnectionAndIsReported() {
        io = fast().build();
        Feed feed = new Feed(server.uri(), "boom") {
            @Override
            public void onFrame(WebSocket ws, Frame frame, Seen s) {
                super.onFrame(ws, frame, s);
                throw new IllegalStateException("bug in the handler");
            }
        };
        io.register(feed);
        pollUntil(() -> seen.connects == 2);
        assertThat(seen.disconnects.get(0).reason()).isEqualTo(Disconnect.Reason.HANDLER_FAILED);
        assertThat(seen.disconnects.get(0).cause()).hasMessage("bug in the handler");
    }

    @Test
    void registeringTwiceOrAfterCloseIsRefused() {
        io = fast().build();
        Feed feed = new Feed(server.uri(), "x");
        io.register(feed);
        assertThatThrownBy(() -> io.register(feed)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");
        io.close();
        assertThatThrownBy(() -> io.register(new Feed(server.uri(), "y"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> IoService.builder(seen).maxPendingConnects(0))
                .hasMessage("maxPendingConnects: 0 (expected: 1 .. 1024)");
    }
}
