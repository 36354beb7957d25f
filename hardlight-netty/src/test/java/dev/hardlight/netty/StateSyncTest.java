package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Connection;
import dev.hardlight.SyncedState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connection state over real sockets: snapshot on connect, ordering before results, atomicity, secrecy of the attachment. */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class StateSyncTest {
    static final String SECRET = "attachment-secret-7f3a9c";

    static final class TallyHandler implements Tally {
        private final Connection connection;
        private final SyncedState<State> state;

        TallyHandler(Connection connection) {
            this.connection = connection;
            this.state = connection.state(State.class);
        }

        @Override
        public int increment(int amount) {
            return state.update(s -> new State(s.counter() + amount, s.user(), s.log())).counter();
        }

        @Override
        public void rename(String user) {
            state.update(s -> new State(s.counter(), user, append(s.log(), "renamed to " + user)));
        }

        @Override
        public boolean hasSecret() {
            return SECRET.equals(connection.attachment(String.class));
        }

        private static List<String> append(List<String> list, String item) {
            List<String> copy = new ArrayList<>(list);
            copy.add(item);
            return List.copyOf(copy);
        }
    }

    private static HardLightServer server(ServerBuilder<Tally> b) {
        return LowLatencyMode.server(b.bind("127.0.0.1", 0)).start();
    }

    private static ServerBuilder<Tally> builder() {
        return HardLight.server(Tally.class, conn -> {
            conn.state(Tally.State.class).set(new Tally.State(0, "guest", List.of("connected")));
            conn.attach(SECRET);
            return new TallyHandler(conn);
        });
    }

    private static TallyClient connect(HardLightServer server) {
        return HardLight.connect(URI.create("wss://localhost:" + server.port() + "/hl"),
                LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint())), TallyClient.FACTORY);
    }

    @Test
    void stateIsValidAsSoonAsConnectReturns() {
        try (HardLightServer server = server(builder().tls(TestServer.TLS)); TallyClient client = connect(server)) {
            assertThat(client.state()).isEqualTo(new Tally.State(0, "guest", List.of("connected")));
            client.rename("ann");
            assertThat(client.state()).isEqualTo(new Tally.State(0, "ann", List.of("connected", "renamed to ann")));
        }
    }

    @Test
    void afterEachCallReturnsTheClientStateAlreadyShowsItsEffect() throws Exception {
        try (HardLightServer server = server(builder().tls(TestServer.TLS)); TallyClient client = connect(server)) {
            AtomicInteger stale = new AtomicInteger();
            AtomicInteger checks = new AtomicInteger();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 10; t++) {
                    threads.execute(() -> {
                        for (int i = 0; i < 1000; i++) {
                            int value = client.increment(1);
                            if (client.state().counter() < value) {
                                stale.incrementAndGet();
                            }
                            checks.incrementAndGet();
                        }
                    });
                }
            }
            assertThat(checks).hasValue(10_000);
            assertThat(stale).as("calls that returned before their state change arrived").hasValue(0);
            assertThat(client.state().counter()).isEqualTo(10_000);
        }
    }

    @Test
    void concurrentUpdatesLoseNothingAndTheListenerSeesEveryStateInOrder() {
        try (HardLightServer server = server(builder().tls(TestServer.TLS)); TallyClient client = connect(server)) {
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger gaps = new AtomicInteger();
            client.onStateChange((before, after) -> {
                if (after.counter() != before.counter() + 1) {
                    gaps.incrementAndGet();
                }
                seen.add(after.counter());
            });
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 100; t++) {
                    threads.execute(() -> {
                        for (int i = 0; i < 100; i++) {
                            client.increment(1);
                        }
                    });
                }
            }
            assertThat(client.state().counter()).isEqualTo(10_000);
            assertThat(gaps).hasValue(0);
            assertThat(seen).hasSize(10_000).isSorted();
            assertThat(seen.get(9_999)).isEqualTo(10_000);
        }
    }

    @Test
    void aBlockingCallFromAListenerFailsFastInsteadOfHangingAndAsyncCallsWork() throws Exception {
        try (HardLightServer server = server(builder().tls(TestServer.TLS)); TallyClient client = connect(server)) {
            java.util.concurrent.CompletableFuture<Throwable> blocking = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Integer> async = new java.util.concurrent.CompletableFuture<>();
            client.onStateChange((before, after) -> {
                if (after.counter() == 1) {
                    try {
                        client.increment(10);
                        blocking.complete(null);
                    } catch (Throwable t) {
                        blocking.complete(t);
                    }
                    client.incrementAsync(100).thenAccept(async::complete);
                }
            });
            client.increment(1);
            assertThat(blocking.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("on a Netty I/O thread");
            assertThat(async.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(101);
        }
    }

    @Test
    void theAttachmentNeverCrossesTheWire() throws Exception {
        try (HardLightServer server = server(builder().insecurePlaintext());
             RecordingProxy proxy = new RecordingProxy(server.port())) {
            try (TallyClient client = HardLight.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/hl"),
                    LowLatencyMode.client(ClientOptions.builder().insecurePlaintext().build()), TallyClient.FACTORY)) {
                assertThat(client.hasSecret()).isTrue();
                client.rename("visible-user-name");
                client.increment(3);
            }
            String wire = proxy.recorded();
            assertThat(wire).as("the capture sees state").contains("visible-user-name");
            assertThat(wire).doesNotContain(SECRET);
        }
    }

    /** A loopback TCP relay that keeps every byte it passes, both ways (plaintext, so the bytes are readable). */
    static final class RecordingProxy implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

        RecordingProxy(int target) throws IOException {
            Thread.ofVirtual().start(() -> {
                try (Socket in = listener.accept(); Socket out = new Socket(InetAddress.getLoopbackAddress(), target)) {
                    sockets.add(in);
                    sockets.add(out);
                    Thread up = Thread.ofVirtual().start(() -> pump(in, out));
                    pump(out, in);
                    up.join();
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[8192];
            try (InputStream is = from.getInputStream(); OutputStream os = to.getOutputStream()) {
                int n;
                while ((n = is.read(buf)) > 0) {
                    synchronized (bytes) {
                        bytes.write(buf, 0, n);
                    }
                    os.write(buf, 0, n);
                }
            } catch (IOException e) {
                // closed
            }
        }

        String recorded() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.ISO_8859_1);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
