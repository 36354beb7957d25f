package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several services on one port over TLS, what they share: connection limits, recordings, the graceful
 * shutdown; and the builder's rules.
 */
@ExtendWith(LeakDetection.class)
@Timeout(120)
class MultiServiceServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;


    static URI uri(HardLightServer server, String path) {
        return URI.create("wss://localhost:" + server.port() + path);
    }

    static ClientOptions pinned() {
        return ClientOptions.pinned(TestServer.TLS.fingerprint());
    }

    @Test
    void connectionLimitsAreTheServersCountedOverAllServices() throws Exception {
        try (HardLightServer server = HardLight.server()
                .service("/chat", Chat.class, ChatHandler::new)
                .service("/counter", Counter.class, c -> ShutdownUnderLoadTest.countingCounter(new AtomicLong()))
                .maxConnections(2)
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start()) {
            ChatClient chat = HardLight.connect(uri(server, "/chat"), pinned(), ChatClient.FACTORY);
            try (CounterClient counter = HardLight.connect(uri(server, "/counter"), pinned(), CounterClient.FACTORY)) {
                for (String path : List.of("/chat", "/counter")) {
                    assertThatThrownBy(() -> HardLight.connect(uri(server, path), pinned(), CounterClient.FACTORY))
                            .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                            .hasMessageContaining("HTTP 503")
                            .hasMessageContaining("too many connections: this server accepts at most 2");
                }
                assertThat(server.refusedConnections()).isEqualTo(2);
                chat.close();
                Await.until("the closed connection no longer counts", WAIT, () -> server.transport().acceptedConnections() == 1);
                try (CounterClient again = HardLight.connect(uri(server, "/counter"), pinned(), CounterClient.FACTORY)) {
                    assertThat(again.increment(3)).isEqualTo(3);
                }
                assertThat(counter.increment(1)).isEqualTo(1);
            } finally {
                chat.close();
            }
        }
    }

    @Test
    void aServiceBesideTheOneGivenAtServerHasItsOwnTopicsAndNotifier() throws Exception {
        List<TopicChange> chatTopics = new CopyOnWriteArrayList<>();
        List<TopicChange> serverTopics = new CopyOnWriteArrayList<>();
        try (HardLightServer server = HardLight.server(Counter.class, c -> ShutdownUnderLoadTest.countingCounter(new AtomicLong()))
                .path("/counter")
                .topicListener(serverTopics::add)
                .service("/chat", Chat.class, ChatHandler::new, s -> s.topicListener(chatTopics::add))
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start()) {
            assertThat(server.services()).extracting(HardLightServer.Service::path, HardLightServer.Service::name)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("/counter", "Counter"),
                            org.assertj.core.groups.Tuple.tuple("/chat", "Chat"));
            try (CounterClient counter = HardLight.connect(uri(server, "/counter"), pinned(), CounterClient.FACTORY);
                 ChatClient chat = HardLight.connect(uri(server, "/chat"), pinned(), ChatClient.FACTORY)) {
                assertThat(counter.increment(2)).isEqualTo(2);
                chat.join("room");
                Await.until("the chat service's notifier told of its topic", WAIT,
                        () -> chatTopics.equals(List.of(new TopicChange.Created(Topic.of("room")))));
                // One service declares ChatEvent: the server's emitter is that service's.
                assertThat(server.events(ChatEvent.class).emit(Topic.of("room"), new ChatEvent.ServerSent("room", "hi"))).isEqualTo(1);
                assertThat(chat.events().poll(WAIT).orElseThrow().value()).isEqualTo(new ChatEvent.ServerSent("room", "hi"));
                assertThatThrownBy(() -> server.events(String.class)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("no service of this server declares events of java.lang.String");
            }
            Await.until("the topic removed", WAIT, () -> chatTopics.size() == 2);
            assertThat(serverTopics).as("the server builder's notifier is the Counter service's, which has no topics").isEmpty();
        }
    }

    @Test
    void aRecordingOfEachServiceReplaysWithItsOwnMethodNames() throws Exception {
        try (HardLightServer server = HardLight.server()
                .service("/chat", Chat.class, ChatHandler::new)
                .service("/counter", Counter.class, c -> ShutdownUnderLoadTest.countingCounter(new AtomicLong()))
                .record(dir)
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start()) {
            try (ChatClient chat = HardLight.connect(uri(server, "/chat"), pinned(), ChatClient.FACTORY)) {
                chat.join("lobby");
            }
            try (CounterClient counter = HardLight.connect(uri(server, "/counter"), pinned(), CounterClient.FACTORY)) {
                assertThat(counter.increment(5)).isEqualTo(5);
            }
            assertThat(AuthTestSupport.refusal(uri(server, "/elsewhere")).statusCode()).isEqualTo(404);
            Await.until("three recordings", WAIT, () -> {
                try {
                    return files().size() == 3;
                } catch (IOException e) {
                    return false;
                }
            });
        }
        Map<String, Recording> byService = new HashMap<>();
        for (Path f : files()) {
            Recording r = RecordingTest.awaitComplete(f);
            assertThat(r.side()).isEqualTo(Recording.Side.SERVER);
            byService.put(r.service(), r);
        }
        assertThat(byService).containsOnlyKeys("Chat", "Counter", "");
        Recording chat = byService.get("Chat");
        assertThat(chat.fingerprint()).isEqualTo(dev.hardlight.service.Services.descriptor(Chat.class).fingerprintHex());
        assertThat(calls(chat)).containsExactly("join(05 6c 6f 62 62 79)");
        assertThat(chat.decode()).filteredOn(f -> f.type().equals("HELLO")).singleElement()
                .satisfies(f -> assertThat(f.summary()).contains(" Chat ").contains("join=").contains("say="));
        assertThat(chat.decode().get(0).summary()).isEqualTo("GET /chat HTTP/1.1, protocol hardlight.v1");
        Recording counter = byService.get("Counter");
        assertThat(counter.fingerprint()).isEqualTo(dev.hardlight.service.Services.descriptor(Counter.class).fingerprintHex());
        assertThat(calls(counter)).containsExactly("increment(0a)");
        Recording unknown = byService.get("");
        assertThat(unknown.fingerprint()).isEmpty();
        assertThat(unknown.decode()).extracting(Recording.Frame::type).contains("HTTP", "HTTP_BODY");
        assertThat(unknown.decode()).filteredOn(f -> f.sender() == Recording.Side.SERVER).first()
                .satisfies(f -> assertThat(f.summary()).startsWith("HTTP/1.1 404"));
    }

    private static List<String> calls(Recording r) {
        return r.decode().stream().filter(f -> f.type().equals("CALL")).map(Recording.Frame::summary).toList();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * Clients of two services pump non-idempotent calls while the server shuts down and restarts on
     * the same port, several times: every call is answered or known unrun, and every call that ran,
     * on either service, was answered once.
     */
    @Test
    void aGracefulShutdownUnderLoadDrainsEveryServiceWithNoLostCall() throws Exception {
        List<String> paths = List.of("/a", "/b");
        Map<String, AtomicLong> executed = Map.of("/a", new AtomicLong(), "/b", new AtomicLong());
        Map<String, LongAdder> answered = Map.of("/a", new LongAdder(), "/b", new LongAdder());
        LongAdder lost = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        HardLightServer server = startAB(0, executed);
        int port = server.port();
        List<CounterClient> clients = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        try {
            for (String path : paths) {
                for (int c = 0; c < 2; c++) {
                    CounterClient client = HardLight.connect(URI.create("wss://localhost:" + port + path),
                            pinned().toBuilder().reconnect(ReconnectPolicy.builder()
                                    .initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build()).build(), CounterClient.FACTORY);
                    clients.add(client);
                    for (int t = 0; t < 3; t++) {
                        pumps.add(Thread.ofVirtual().start(() -> {
                            while (!stop.get()) {
                                try {
                                    client.increment(1);
                                    answered.get(path).increment();
                                } catch (RpcException e) {
                                    failures.computeIfAbsent(e.status() + ": " + e.getMessage().replaceAll("[0-9]+", "N"),
                                            k -> new LongAdder()).increment();
                                    if (e.status() != Status.UNAVAILABLE) {
                                        lost.increment(); // UNAVAILABLE: refused unrun, or no link to send it on
                                    }
                                }
                            }
                        }));
                    }
                }
            }
            for (int i = 0; i < 4; i++) {
                awaitFlowing(answered);
                server.close();
                server = startAB(port, executed);
            }
            awaitFlowing(answered);
        } finally {
            stop.set(true);
            for (Thread t : pumps) {
                t.join(10_000);
            }
            for (CounterClient c : clients) {
                c.close();
            }
            server.close();
        }
        assertThat(lost.sum()).as("calls neither answered nor known unrun: " + failures).isZero();
        for (String path : paths) {
            assertThat(executed.get(path).get()).as("every call that ran on " + path + " was answered, once")
                    .isEqualTo(answered.get(path).sum());
        }
    }

    private static void awaitFlowing(Map<String, LongAdder> answered) throws InterruptedException {
        long a = answered.get("/a").sum();
        long b = answered.get("/b").sum();
        Await.until("calls flow on both services", Duration.ofSeconds(30),
                () -> answered.get("/a").sum() > a + 100 && answered.get("/b").sum() > b + 100);
    }

    private static HardLightServer startAB(int port, Map<String, AtomicLong> executed) {
        return HardLight.server()
                .service("/a", Counter.class, c -> ShutdownUnderLoadTest.countingCounter(executed.get("/a")))
                .service("/b", Counter.class, c -> ShutdownUnderLoadTest.countingCounter(executed.get("/b")))
                .tls(TestServer.TLS).bind("127.0.0.1", port).start();
    }

    @Test
    void staticFilesAreServedBesideTheServices() throws Exception {
        Path site = Files.createDirectory(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<p>page</p>");
        try (HardLightServer server = HardLight.server()
                .service("/chat", Chat.class, ChatHandler::new)
                .service("/counter", Counter.class, c -> ShutdownUnderLoadTest.countingCounter(new AtomicLong()))
                .staticFiles(site)
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start()) {
            java.net.http.HttpClient http = RawWebSocket.trustAllClient();
            java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/")).timeout(WAIT).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("<p>page</p>");
            // A service's path keeps its rules: a plain GET there is told to upgrade, not served a file.
            java.net.http.HttpResponse<String> plain = http.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/counter")).timeout(WAIT).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(426);
            try (CounterClient counter = HardLight.connect(uri(server, "/counter"), pinned(), CounterClient.FACTORY);
                 ChatClient chat = HardLight.connect(uri(server, "/chat"), pinned(), ChatClient.FACTORY)) {
                assertThat(counter.increment(4)).isEqualTo(4);
                chat.join("lobby");
            }
        }
    }

    @Test
    void theBuilderRefusesWhatCannotBeServed() {
        assertThatThrownBy(() -> HardLight.server().tls(TestServer.TLS).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no service to serve");
        assertThatThrownBy(() -> HardLight.server().service("chat", Chat.class, ChatHandler::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> HardLight.server().service("/chat", Chat.class, ChatHandler::new)
                .service("/chat", Counter.class, c -> ShutdownUnderLoadTest.countingCounter(new AtomicLong())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path: /chat already serves Chat");
        assertThatThrownBy(() -> HardLight.server(Counter.class, c -> ShutdownUnderLoadTest.countingCounter(new AtomicLong()))
                .service("/hl", Chat.class, ChatHandler::new).tls(TestServer.TLS).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path: /hl already serves Counter");
        assertThatThrownBy(() -> HardLight.server().service("/chat", Chat.class, ChatHandler::new)
                .topicListener(change -> {}).tls(TestServer.TLS).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("belong to one service's topics");
        assertThatThrownBy(() -> HardLight.server().service("/chat", Chat.class, ChatHandler::new)
                .path("/elsewhere").tls(TestServer.TLS).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("here each service has its own");
        assertThatThrownBy(() -> HardLight.server().service("/chat", Chat.class, ChatHandler::new, s -> s.maxInFlight(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HardLight.server().service("/chat", Chat.class, ChatHandler::new, s -> s.maxMessageSize(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize: 1");
        assertThatThrownBy(() -> HardLight.server().service("/chat", Chat.class, ChatHandler::new,
                s -> s.allowedOrigins("not an origin"))).isInstanceOf(IllegalArgumentException.class);
    }
}
