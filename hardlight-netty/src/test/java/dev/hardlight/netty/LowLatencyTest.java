package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where handlers run with and without {@code inlineNonBlockingHandlers}, which I/O threads clients
 * run on with {@code busyPoll} and a {@link ClientGroup}, and the options' checks. The functional
 * suite in low-latency mode is in the {@code LowLatency*Test} classes.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class LowLatencyTest {

    /** Where each method last ran, and whether that thread was a Netty event loop. */
    static final class WhereHandler implements Counter {
        final Map<String, Thread> threads = new ConcurrentHashMap<>();
        final Map<String, Boolean> onEventLoop = new ConcurrentHashMap<>();

        private void record(String method) {
            threads.put(method, Thread.currentThread());
            onEventLoop.put(method, ThreadExecutorMap.currentExecutor() instanceof EventLoop);
        }

        @Override
        public int increment(int amount) {
            record("increment");
            return amount;
        }

        @Override
        public String fail(String kind) throws CounterException {
            record("fail");
            throw new CounterException("inline says no");
        }

        @Override
        public int block(int token) {
            record("block");
            return token;
        }

        @Override
        public int probe(int x) {
            record("probe");
            return x;
        }
    }

    private static HardLightServer serve(Counter handler, Consumer<ServerBuilder<Counter>> customize) {
        ServerBuilder<Counter> b = HardLight.server(Counter.class, c -> handler).tls(TestServer.TLS).bind("127.0.0.1", 0);
        customize.accept(b);
        return b.start();
    }

    private static URI uri(HardLightServer server) {
        return URI.create("wss://localhost:" + server.port() + "/hl");
    }

    @Test
    void inlineNonBlockingHandlersRunOnTheIoThreadAndOthersOnVirtualThreads() throws Exception {
        WhereHandler where = new WhereHandler();
        try (HardLightServer server = serve(where, b -> b.inlineNonBlockingHandlers(true));
             CounterClient client = HardLight.connect(uri(server), ClientOptions.pinned(server.tlsFingerprint()), CounterClient.FACTORY)) {
            assertThat(client.increment(3)).isEqualTo(3);
            assertThat(client.probe(4)).isEqualTo(4);
            assertThatThrownBy(() -> client.fail("x")).isInstanceOf(CounterException.class).hasMessage("inline says no");

            // increment and fail are @NonBlocking: inline on the connection's event loop.
            assertThat(where.onEventLoop).containsEntry("increment", true).containsEntry("fail", true);
            assertThat(where.threads.get("increment").isVirtual()).isFalse();
            assertThat(where.threads.get("increment").getName()).startsWith("hl-server");
            // probe is not marked: never inline.
            assertThat(where.onEventLoop).containsEntry("probe", false);
            assertThat(where.threads.get("probe").isVirtual()).isTrue();
        }
    }

    @Test
    void withoutTheOptionTheMarkIsIgnored() throws Exception {
        WhereHandler where = new WhereHandler();
        try (HardLightServer server = serve(where, b -> {});
             CounterClient client = HardLight.connect(uri(server), ClientOptions.pinned(server.tlsFingerprint()), CounterClient.FACTORY)) {
            client.increment(1);
            client.block(2);
            assertThat(where.onEventLoop).containsEntry("increment", false).containsEntry("block", false);
            assertThat(where.threads.get("increment").isVirtual()).isTrue();
            assertThat(where.threads.get("block").isVirtual()).isTrue();
        }
    }

    @Test
    void busyPollingServerRunsInlineHandlersOnItsSpinningThread() throws Exception {
        WhereHandler where = new WhereHandler();
        try (HardLightServer server = serve(where, b -> b.busyPoll(true).inlineNonBlockingHandlers(true));
             CounterClient client = HardLight.connect(uri(server),
                     ClientOptions.pinned(server.tlsFingerprint()).toBuilder().busyPoll(true).build(), CounterClient.FACTORY)) {
            for (int i = 0; i < 100; i++) {
                assertThat(client.increment(i)).isEqualTo(i);
            }
            assertThat(where.threads.get("increment").getName()).startsWith("hl-server-spin");
            assertThat(client.probe(7)).isEqualTo(7);
            assertThat(where.threads.get("probe").isVirtual()).isTrue();
        }
    }

    @Test
    void busyPollClientsRunOnTheSharedSpinningThreadAndGroupClientsOnTheirGroup() throws Exception {
        try (HardLightServer server = HardLight.server(Tally.class, conn -> {
                    conn.state(Tally.State.class).set(new Tally.State(0, "guest", List.of()));
                    return new StateSyncTest.TallyHandler(conn);
                }).tls(TestServer.TLS).bind("127.0.0.1", 0).start();
             ClientGroup group = ClientGroup.create(1)) {
            ClientOptions pinned = ClientOptions.pinned(server.tlsFingerprint());
            assertThat(listenerThread(server, pinned.toBuilder().busyPoll(true).build())).startsWith("hl-client-spin");
            assertThat(listenerThread(server, pinned.toBuilder().group(group).build())).startsWith("hl-group");
            assertThat(listenerThread(server, pinned)).startsWith("hl-client-").doesNotStartWith("hl-client-spin");
        }
    }

    /** The thread a state listener of a client made with these options runs on: the connection's I/O thread. */
    private static String listenerThread(HardLightServer server, ClientOptions options) throws Exception {
        try (TallyClient client = HardLight.connect(uri(server), options, TallyClient.FACTORY)) {
            CompletableFuture<String> thread = new CompletableFuture<>();
            client.onStateChange((before, after) -> thread.complete(Thread.currentThread().getName()));
            client.increment(1);
            return thread.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void optionsCheckAndReplaceEachOther() {
        assertThatThrownBy(() -> HardLight.server(Counter.class, c -> new WhereHandler()).ioThreads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ioThreads: 0 (expected: > 0)");
        assertThatThrownBy(() -> ClientGroup.create(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: 0 (expected: > 0)");
        assertThatThrownBy(() -> ClientGroup.busyPoll(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: -1 (expected: > 0)");

        ClientOptions defaults = ClientOptions.builder().build();
        assertThat(defaults.busyPoll()).isFalse();
        assertThat(defaults.group()).isNull();
        try (ClientGroup group = ClientGroup.busyPoll(1)) {
            assertThat(group.threads()).isEqualTo(1);
            assertThat(group.isBusyPoll()).isTrue();
            ClientOptions spinning = ClientOptions.builder().busyPoll(true).build();
            assertThat(spinning.busyPoll()).isTrue();
            assertThat(spinning.toString()).contains("busyPoll");
            ClientOptions grouped = spinning.toBuilder().group(group).build();
            assertThat(grouped.group()).isSameAs(group);
            assertThat(grouped.busyPoll()).as("group replaces busyPoll").isFalse();
            assertThat(grouped.toBuilder().build().group()).as("toBuilder keeps it").isSameAs(group);
            assertThat(grouped.toBuilder().busyPoll(true).build().group()).as("busyPoll replaces group").isNull();
            assertThat(grouped.toString()).contains("group=ClientGroup[1 busy-polling threads");
        }
        try (ClientGroup group = ClientGroup.create(3)) {
            assertThat(group.threads()).isEqualTo(3);
            assertThat(group.isBusyPoll()).isFalse();
        }
    }

    @Test
    void inlineHandlerFailuresAreAnsweredAndTheConnectionGoesOn() {
        try (TestServer server = TestServer.start(b -> b.inlineNonBlockingHandlers(true).ioThreads(1));
             CounterClient client = server.connect()) {
            // fail("runtime") throws from the event loop: answered INTERNAL, the loop goes on.
            assertThatThrownBy(() -> client.fail("runtime"))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL));
            assertThat(client.increment(2)).isEqualTo(2);
        }
    }
}
