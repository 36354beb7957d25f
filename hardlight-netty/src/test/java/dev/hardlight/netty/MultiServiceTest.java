package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Authenticator;
import dev.hardlight.Event;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.UpgradeRequest;
import dev.hardlight.internal.protocol.FrameType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several services on one port over TLS (issue 22): two Chat services (the same contract, the same
 * topic names) and a Gated one, each with its own handlers, topics, authenticator, origin policy and
 * limits, behind one server-wide authenticator the Chat services inherit.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class MultiServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static final AtomicInteger gatedRuns = new AtomicInteger();
    static HardLightServer server;

    /** The server's own authenticator: an {@code X-Key: k} header, or 401. */
    static Authenticator.Result serverKey(UpgradeRequest r) {
        return r.header("X-Key").filter("k"::equals).isPresent()
                ? Authenticator.Result.accept(Set.of(), "keyed")
                : Authenticator.Result.unauthorized("a key is needed");
    }

    /** The Gated service's: a bearer token "good" opens with the feature, any other bearer without, none 401. */
    static Authenticator.Result gatedToken(UpgradeRequest r) {
        String auth = r.header("Authorization").orElse("");
        if (auth.equals("Bearer good")) {
            return Authenticator.Result.accept(Set.of("authenticated"), "alice");
        }
        return auth.startsWith("Bearer ") ? Authenticator.Result.accept(Set.of(), null)
                : Authenticator.Result.unauthorized("a bearer token is needed");
    }

    @BeforeAll
    static void start() {
        server = HardLight.server()
                .service("/chat", Chat.class, ChatHandler::new)
                .service("/chat2", Chat.class, ChatHandler::new, s -> s.maxInFlight(7))
                .service("/gated", Gated.class, c -> new GatedHandler(c, gatedRuns),
                        s -> s.authenticator(MultiServiceTest::gatedToken).allowedOrigins("https://admin.example"))
                .authenticator(MultiServiceTest::serverKey)
                .tls(TestServer.TLS)
                .bind("127.0.0.1", 0)
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static URI uri(String path) {
        return URI.create("wss://localhost:" + server.port() + path);
    }

    static ClientOptions keyed() {
        return ClientOptions.pinned(server.tlsFingerprint()).toBuilder().header("X-Key", "k").build();
    }

    static ClientOptions bearer(String token) {
        return ClientOptions.pinned(server.tlsFingerprint()).toBuilder().header("Authorization", "Bearer " + token).build();
    }

    @Test
    void callsStateAndEventsStayWithTheirServiceEvenForEqualTopics() throws Exception {
        try (ChatClient a = HardLight.connect(uri("/chat"), keyed(), ChatClient.FACTORY);
             ChatClient b = HardLight.connect(uri("/chat2"), keyed(), ChatClient.FACTORY)) {
            a.join("lobby");
            b.join("lobby");
            b.join("kitchen");
            Await.until("both states synced", WAIT, () -> a.state() != null && a.state().rooms().equals(List.of("lobby"))
                    && b.state() != null && b.state().rooms().equals(List.of("lobby", "kitchen")));
            assertThat(server.service("/chat").subscriptionCount()).isEqualTo(1);
            assertThat(server.service("/chat2").subscriptionCount()).isEqualTo(2);
            assertThat(server.service("/chat").topicCount()).isEqualTo(1);
            assertThat(server.topicCount()).isEqualTo(3);
            assertThat(server.service("/chat").connectionCount()).isEqualTo(1);
            assertThat(server.service("/chat2").connectionCount()).isEqualTo(1);

            // Same topic bytes, two services: each emit reaches its own service's subscriber only.
            assertThat(a.say("lobby", "from chat")).isEqualTo(1);
            assertThat(server.service("/chat2").events(ChatEvent.class)
                    .emit(Topic.of("lobby"), new ChatEvent.ServerSent("lobby", "from chat2"))).isEqualTo(1);
            assertThat(server.service("/gated").subscriptionCount()).isZero();

            Event<ChatEvent> ea = a.events().poll(WAIT).orElseThrow();
            Event<ChatEvent> eb = b.events().poll(WAIT).orElseThrow();
            assertThat(ea.value()).isInstanceOfSatisfying(ChatEvent.Said.class, s -> assertThat(s.text()).isEqualTo("from chat"));
            assertThat(eb.value()).isEqualTo(new ChatEvent.ServerSent("lobby", "from chat2"));
            // Neither got the other's: the next event each receives is the one sent to it next.
            assertThat(server.service("/chat").events(ChatEvent.class)
                    .emit(Topic.of("lobby"), new ChatEvent.ServerSent("lobby", "second to chat"))).isEqualTo(1);
            assertThat(b.say("lobby", "second to chat2")).isEqualTo(1);
            assertThat(a.events().poll(WAIT).orElseThrow().value()).isEqualTo(new ChatEvent.ServerSent("lobby", "second to chat"));
            assertThat(b.events().poll(WAIT).orElseThrow().value())
                    .isInstanceOfSatisfying(ChatEvent.Said.class, s -> assertThat(s.text()).isEqualTo("second to chat2"));

            // Two services declare ChatEvent: the server-wide emitter is ambiguous, and says how to pick.
            assertThatThrownBy(() -> server.events(ChatEvent.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("service(path)");
            assertThatThrownBy(() -> server.service("/gated").events(ChatEvent.class))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("declares no events");
            assertThatThrownBy(() -> server.service("/nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no service at /nope (served: /chat, /chat2, /gated)");
        }
        Await.until("connections counted closed", WAIT, () -> server.service("/chat").connectionCount() == 0
                && server.service("/chat2").connectionCount() == 0 && server.topicCount() == 0);
    }

    @Test
    void eachPathsHelloNamesItsServiceWithItsSchemaAndLimits() {
        ServerHello chat = HardLight.hello(uri("/chat"), keyed());
        ServerHello chat2 = HardLight.hello(uri("/chat2"), keyed());
        ServerHello gated = HardLight.hello(uri("/gated"), bearer("x"));
        assertThat(chat.service()).isEqualTo("Chat");
        assertThat(chat.maxInFlight()).isEqualTo(ServerOptions.DEFAULT_MAX_IN_FLIGHT);
        assertThat(chat2.service()).isEqualTo("Chat");
        assertThat(chat2.maxInFlight()).isEqualTo(7);
        assertThat(gated.service()).isEqualTo("Gated");
        assertThat(chat.schema()).contains("say").doesNotContain("secret");
        assertThat(gated.schema()).contains("secret").doesNotContain("say");
        assertThat(gated.fingerprint()).isNotEqualTo(chat.fingerprint());
    }

    @Test
    void featureGatesAndAuthenticatorsArePerService() {
        // The Chat services inherit the server's authenticator; Gated has its own instead.
        assertThatThrownBy(() -> HardLight.connect(uri("/chat"), bearer("good"), ChatClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAUTHENTICATED))
                .hasMessageContaining("a key is needed");
        assertThatThrownBy(() -> HardLight.connect(uri("/gated"), keyed(), GatedClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAUTHENTICATED))
                .hasMessageContaining("a bearer token is needed");
        int before = gatedRuns.get();
        try (GatedClient alice = HardLight.connect(uri("/gated"), bearer("good"), GatedClient.FACTORY);
             GatedClient anon = HardLight.connect(uri("/gated"), bearer("other"), GatedClient.FACTORY)) {
            assertThat(alice.whoami()).isEqualTo("alice");
            assertThat(alice.secret(21)).isEqualTo(42);
            assertThat(anon.whoami()).isEqualTo("anonymous");
            assertThatThrownBy(() -> anon.secret(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED));
            assertThat(anon.login("bob")).isEqualTo("bob");
            assertThat(anon.secret(2)).isEqualTo(4);
        }
        assertThat(gatedRuns.get() - before).isEqualTo(2);
    }

    @Test
    void originPoliciesArePerService() throws Exception {
        // Gated allows https://admin.example (then its authenticator refuses: 401, not 403); Chat does not.
        HttpResponse<?> gated = AuthTestSupport.refusal(uri("/gated"), "Origin", "https://admin.example");
        assertThat(gated.statusCode()).isEqualTo(401);
        HttpResponse<?> chat = AuthTestSupport.refusal(uri("/chat"), "Origin", "https://admin.example", "X-Key", "k");
        assertThat(chat.statusCode()).isEqualTo(403);
        assertThat(String.valueOf(chat.body())).isEqualTo("origin https://admin.example is not allowed to connect to this server\n");
        RawWebSocket raw = AuthTestSupport.connect(uri("/gated"), "Origin", "https://admin.example", "Authorization", "Bearer good");
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        raw.ws.abort();
        // Both keep the same-origin rule.
        RawWebSocket same = AuthTestSupport.connect(uri("/chat"), "Origin", "https://localhost:" + server.port(), "X-Key", "k");
        assertThat(same.take()[0]).isEqualTo((byte) FrameType.HELLO);
        same.ws.abort();
    }

    @Test
    void anUnknownPathIsA404NamingNoService() throws Exception {
        HttpResponse<?> res = AuthTestSupport.refusal(uri("/admin"), "X-Key", "k");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(String.valueOf(res.body())).isEqualTo("no HardLight service at /admin\n");
        // A plain GET too (what a scanner sends): the same answer, no list of what is served.
        HttpClient http = RawWebSocket.trustAllClient();
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(get.body()).isEqualTo("no HardLight service at /\n").doesNotContain("chat").doesNotContain("Gated");
        assertThatThrownBy(() -> HardLight.connect(uri("/hl"), keyed(), ChatClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND));
        // A path's query does not change the service; a path differing by a trailing '/' is another path.
        try (ChatClient c = HardLight.connect(URI.create(uri("/chat") + "?room=x"), keyed(), ChatClient.FACTORY)) {
            c.join("x");
        }
        assertThat(AuthTestSupport.refusal(uri("/chat/"), "X-Key", "k").statusCode()).isEqualTo(404);
    }

    @Test
    void aClientOfOneContractAtAnotherServicesPathIsIncompatible() {
        assertThatThrownBy(() -> HardLight.connect(uri("/gated"), bearer("good"), ChatClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INCOMPATIBLE));
    }
}
