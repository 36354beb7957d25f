package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Calls over real TLS on loopback, with a pinned self-signed certificate. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class CallTest {
    static TestServer server;
    static CounterClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        client = server.connect();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void blockingRoundTrip() {
        int before = client.increment(0);
        assertThat(client.increment(5)).isEqualTo(before + 5);
        assertThat(client.increment(-2)).isEqualTo(before + 3);
        assertThat(client.channel().isOpen()).isTrue();
        assertThat(server.server.connectionCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void asyncRoundTrip() throws Exception {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(client.incrementAsync(1));
        }
        List<Integer> results = new ArrayList<>();
        for (CompletableFuture<Integer> f : futures) {
            results.add(f.get(10, TimeUnit.SECONDS));
        }
        assertThat(results).doesNotHaveDuplicates().hasSize(100);
    }

    @Test
    void declaredExceptionArrivesAsItsType() {
        assertThatThrownBy(() -> client.fail("declared"))
                .isExactlyInstanceOf(CounterException.class)
                .hasMessage("counter says no");
    }

    @Test
    void rpcExceptionKeepsItsStatus() {
        assertThatThrownBy(() -> client.fail("rpc"))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND))
                .hasMessage("no such counter");
    }

    @Test
    void runtimeExceptionIsAnOpaqueInternalErrorWhoseIdTheServerLogsWithTheStackTrace() throws Exception {
        String[] id = new String[1];
        try (LogCapture logs = new LogCapture()) {
            assertThatThrownBy(() -> client.fail("runtime"))
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.INTERNAL);
                        assertThat(e.getMessage()).matches("internal error \\(error id [0-9a-f]{16}\\)")
                                .doesNotContain("IllegalStateException").doesNotContain("handler broke");
                        id[0] = e.getMessage().substring("internal error (error id ".length(), e.getMessage().length() - 1);
                    });
            Await.until("the failure is logged", java.time.Duration.ofSeconds(5), () -> logs.lines().stream()
                    .anyMatch(l -> l.contains("handler of fail failed (error id " + id[0] + ")")));
            List<String> lines = logs.lines();
            int at = 0;
            while (!lines.get(at).contains("error id " + id[0])) {
                at++;
            }
            assertThat(lines.get(at + 1)).as("with the stack trace").contains("java.lang.IllegalStateException: handler broke");
        }
    }

    @Test
    void errorIsInternal() {
        assertThatThrownBy(() -> client.fail("error"))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL))
                .hasMessageStartingWith("internal error (error id ")
                .hasMessageNotContaining("handler asserted");
        // The connection survives handler failures.
        assertThat(client.increment(0)).isNotNegative();
    }

    @Test
    void developmentErrorDetailsSendTheFailureAfterTheId() {
        try (TestServer dev = TestServer.start(b -> b.developmentErrorDetails(true));
             CounterClient c = dev.connect()) {
            assertThatThrownBy(() -> c.fail("runtime"))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL))
                    .hasMessageMatching("internal error \\(error id [0-9a-f]{16}\\): handler of fail failed: "
                            + "java.lang.IllegalStateException: handler broke");
        }
    }

    @Test
    void manyClientsShareTheServer() throws Exception {
        List<CounterClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(server.connect());
            }
            for (CounterClient c : clients) {
                assertThat(c.fail("ok")).isEqualTo("ok");
            }
        } finally {
            clients.forEach(CounterClient::close);
        }
    }

    @Test
    void interruptedCallerGetsCancelled() throws Exception {
        try (TestServer s = TestServer.start(); CounterClient c = s.connect()) {
            Thread caller = Thread.currentThread();
            Thread.ofVirtual().start(() -> {
                try {
                    s.blocked.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                caller.interrupt();
            });
            assertThatThrownBy(() -> c.block(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CANCELLED));
            assertThat(Thread.interrupted()).isTrue();
            // The slot comes back once the server answers the cancel; the connection stays usable.
            assertThat(c.increment(2)).isEqualTo(2);
        }
    }
}
