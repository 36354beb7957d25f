package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.CloseReason;
import dev.hardlight.Connection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Connection#onClose} over real sockets: one call per connection, with the right
 * {@link CloseReason.Kind}, however the connection ends, after its handlers have returned, on a
 * thread where blocking is allowed.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class CloseHookTest {
    /** What one server saw: each close reason, the connections, and what the handlers did. */
    static final class Seen {
        final BlockingQueue<CloseReason> reasons = new LinkedBlockingQueue<>();
        final List<String> order = new CopyOnWriteArrayList<>();
        final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
        final CountDownLatch blockStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger handlersClosed = new AtomicInteger();
        final AtomicBoolean listenerCouldBlock = new AtomicBoolean();
    }

    /** A Counter handler that records when its blocking call returns, and when it is closed. */
    static final class Handler implements Counter, AutoCloseable {
        private final Seen seen;

        Handler(Seen seen) {
            this.seen = seen;
        }

        @Override
        public int increment(int amount) {
            return amount;
        }

        @Override
        public String fail(String kind) {
            return kind;
        }

        @Override
        public int block(int token) throws InterruptedException {
            seen.blockStarted.countDown();
            try {
                seen.release.await(20, TimeUnit.SECONDS);
                return token;
            } finally {
                seen.order.add("handler returned");
            }
        }

        @Override
        public int probe(int x) {
            return x;
        }

        @Override
        public void close() {
            seen.order.add("handler closed");
            seen.handlersClosed.incrementAndGet();
        }
    }

    private static HardLightServer start(Seen seen, java.util.function.Consumer<ServerBuilder<Counter>> customize) {
        ServerBuilder<Counter> b = HardLight.server(Counter.class, c -> {
            seen.connections.add(c);
            c.onClose(reason -> {
                try {
                    Thread.sleep(1); // blocking is allowed here
                    seen.listenerCouldBlock.set(!Thread.currentThread().getName().startsWith("hl-server"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.order.add("listener " + reason.kind());
                seen.reasons.add(reason);
            });
            return new Handler(seen);
        }).insecurePlaintext().bind("127.0.0.1", 0);
        customize.accept(b);
        return b.start();
    }

    private static CounterClient connect(HardLightServer server) {
        return HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY);
    }

    private static CloseReason next(Seen seen) throws InterruptedException {
        CloseReason r = seen.reasons.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("the close listener ran").isNotNull();
        return r;
    }

    /** No second call for the same connection arrives. */
    /**
     * The listener ran once and the handler was closed once. The handler is closed after the
     * listeners return, on the same thread, so the close is awaited (bounded) before it is counted.
     */
    private static void assertOnce(Seen seen) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.handlersClosed.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(seen.reasons.poll(300, TimeUnit.MILLISECONDS)).as("called once").isNull();
        assertThat(seen.handlersClosed).hasValue(1);
    }

    @Test
    void cleanCloseByTheClient() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> {})) {
            try (CounterClient client = connect(server)) {
                assertThat(client.increment(2)).isEqualTo(2);
            }
            CloseReason r = next(seen);
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.CLIENT_CLOSED);
            assertThat(r.description()).startsWith("1000");
            assertThat(seen.listenerCouldBlock).isTrue();
            assertOnce(seen);
            assertThat(seen.order).containsExactly("listener CLIENT_CLOSED", "handler closed");
        }
    }

    @Test
    void tcpConnectionLost() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> {})) {
            RawPeer peer = RawPeer.open(server.port());
            peer.close(); // no close frame
            CloseReason r = next(seen);
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.CONNECTION_LOST);
            assertOnce(seen);
        }
    }

    @Test
    void idleTimeout() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> b.keepAlive(KeepAlive.of(Duration.ofMillis(100), Duration.ofMillis(300))));
             RawPeer peer = RawPeer.open(server.port())) {
            CloseReason r = next(seen); // the peer never answers the pings
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.IDLE_TIMEOUT);
            assertThat(r.description()).isEqualTo("1001 idle timeout: nothing received for 300 ms");
            assertOnce(seen);
        }
    }

    @Test
    void protocolViolation() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> {});
             RawPeer peer = RawPeer.open(server.port())) {
            peer.send(true, RawPeer.BINARY, new byte[] {0x7F});
            CloseReason r = next(seen);
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.PROTOCOL_VIOLATION);
            assertThat(r.description()).startsWith("1002").contains("unknown frame type");
            assertOnce(seen);
        }
    }

    @Test
    void closedByTheServersHandlerCode() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> {});
             CounterClient client = connect(server)) {
            assertThat(client.increment(1)).isEqualTo(1);
            seen.connections.take().close();
            CloseReason r = next(seen);
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.SERVER_CLOSED);
            assertThat(r.description()).isEqualTo("1000 closed by the server");
            assertOnce(seen);
        }
    }

    @Test
    void serverShutdownRunsTheHookAfterTheCallInFlightWasAnswered() throws Exception {
        Seen seen = new Seen();
        HardLightServer server = start(seen, b -> {});
        try (CounterClient client = connect(server)) {
            CompletableFuture<Integer> call = client.blockAsync(5);
            assertThat(seen.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close,
                    r -> Thread.ofPlatform().name("closer").start(r));
            Thread.sleep(200);
            assertThat(seen.reasons).as("not while the call runs").isEmpty();
            seen.release.countDown();
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(5);
            closing.get(10, TimeUnit.SECONDS);
            CloseReason r = next(seen);
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.SERVER_SHUTDOWN);
            assertOnce(seen);
            assertThat(seen.order).containsExactly("handler returned", "listener SERVER_SHUTDOWN", "handler closed");
        } finally {
            server.close();
        }
    }

    @Test
    void clientGoneWhileACallRunsInterruptsItFirst() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> {})) {
            CounterClient client = connect(server);
            client.blockAsync(5);
            assertThat(seen.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            client.close();
            CloseReason r = next(seen);
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.CLIENT_CLOSED);
            assertOnce(seen);
            assertThat(seen.order).as("the handler was interrupted and returned first")
                    .containsExactly("handler returned", "listener CLIENT_CLOSED", "handler closed");
        }
    }

    @Test
    void aListenerAddedAfterTheCloseRunsAtOnce() throws Exception {
        Seen seen = new Seen();
        try (HardLightServer server = start(seen, b -> {})) {
            try (CounterClient client = connect(server)) {
                client.increment(1);
            }
            next(seen);
            Connection c = seen.connections.take();
            BlockingQueue<CloseReason> late = new LinkedBlockingQueue<>();
            c.onClose(late::add);
            CloseReason r = late.poll(10, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.CLIENT_CLOSED);
            assertThat(c.isOpen()).isFalse();
        }
    }
}
