package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Authenticator;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.UpgradeRequest;
import dev.hardlight.internal.protocol.FrameType;
import dev.hardlight.netty.internal.ClientChannel;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The authenticator at the upgrade, feature-gated methods over real TLS sockets, and what handlers see
 * of the upgrade request.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class AuthenticatorTest {
    static final AtomicInteger gatedRuns = new AtomicInteger();
    static final AtomicReference<UpgradeRequest> factoryRequest = new AtomicReference<>();
    static final AtomicInteger authenticatorRuns = new AtomicInteger();
    static HardLightServer server;

    /** By the {@code Authorization} header, then the {@code session} cookie; anonymous otherwise. */
    static Authenticator.Result authenticate(UpgradeRequest r) {
        authenticatorRuns.incrementAndGet();
        String auth = r.header("Authorization").orElse("");
        switch (auth) {
            case "Bearer good" -> {
                return Authenticator.Result.accept(Set.of("authenticated"), "alice");
            }
            case "Bearer bad" -> {
                return Authenticator.Result.unauthorized("this token has expired: log in again");
            }
            case "Bearer banned" -> {
                return Authenticator.Result.forbidden("mallory is banned from this service");
            }
            case "Bearer throw" -> throw new IllegalStateException("token service down (a secret detail)");
            case "Bearer null" -> {
                return null;
            }
            default -> { }
        }
        return r.cookie("session")
                .filter("s-bob"::equals)
                .map(s -> Authenticator.Result.accept(Set.of("authenticated"), "bob"))
                .orElse(Authenticator.Result.accept(Set.of(), null));
    }

    @BeforeAll
    static void start() {
        server = HardLight.server(Gated.class, c -> {
                    factoryRequest.set(c.request());
                    return new GatedHandler(c, gatedRuns);
                })
                .tls(TestServer.TLS)
                .bind("127.0.0.1", 0)
                .authenticator(AuthenticatorTest::authenticate)
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        gatedRuns.set(0);
    }

    static URI uri() {
        return URI.create("wss://localhost:" + server.port() + "/hl");
    }

    static ClientOptions pinned() {
        return ClientOptions.pinned(server.tlsFingerprint());
    }

    static Set<String> features(GatedClient client) {
        return ((ClientChannel) client.channel()).link().features();
    }

    @Test
    void refusalWith401AndReasonBeforeAnyWebSocket() throws Exception {
        HttpResponse<?> res = AuthTestSupport.refusal(uri(), "Authorization", "Bearer bad");
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("sec-websocket-accept")).isEmpty();
        assertThat(res.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(String.valueOf(res.body())).isEqualTo("this token has expired: log in again\n");
    }

    @Test
    void refusalWith403AndReasonBeforeAnyWebSocket() throws Exception {
        HttpResponse<?> res = AuthTestSupport.refusal(uri(), "Authorization", "Bearer banned");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.headers().firstValue("sec-websocket-accept")).isEmpty();
        assertThat(String.valueOf(res.body())).isEqualTo("mallory is banned from this service\n");
    }

    @Test
    void refusalReachesTheGeneratedClientWithStatusAndReason() {
        ClientOptions bad = pinned().toBuilder().header("Authorization", "Bearer bad").build();
        assertThatThrownBy(() -> HardLight.connect(uri(), bad, GatedClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAUTHENTICATED))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("this token has expired: log in again");
        ClientOptions banned = pinned().toBuilder().header("Authorization", "Bearer banned").build();
        assertThatThrownBy(() -> HardLight.connect(uri(), banned, GatedClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED))
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("mallory is banned from this service");
    }

    @Test
    void authenticatorThatThrowsOrReturnsNullIsRefusedWith500AndAGenericReason() throws Exception {
        for (String token : new String[] {"Bearer throw", "Bearer null"}) {
            HttpResponse<?> res = AuthTestSupport.refusal(uri(), "Authorization", token);
            assertThat(res.statusCode()).isEqualTo(500);
            assertThat(String.valueOf(res.body()))
                    .isEqualTo("the server could not authenticate this connection\n")
                    .doesNotContain("secret");
        }
    }

    @Test
    void acceptedFeaturesAndPrincipalHoldFromTheFirstCall() {
        ClientOptions good = pinned().toBuilder().header("Authorization", "Bearer good").build();
        try (GatedClient client = HardLight.connect(uri(), good, GatedClient.FACTORY)) {
            assertThat(features(client)).containsExactly("authenticated");
            assertThat(client.secret(21)).isEqualTo(42);
            assertThat(client.whoami()).isEqualTo("alice");
        }
        assertThat(gatedRuns).hasValue(1);
    }

    @Test
    void withoutCredentialsTheConnectionIsAnonymousAndGatedCallsFailLocally() {
        try (GatedClient client = HardLight.connect(uri(), pinned(), GatedClient.FACTORY)) {
            assertThat(features(client)).isEmpty();
            assertThat(client.whoami()).isEqualTo("anonymous");
            assertThatThrownBy(() -> client.secret(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED))
                    // only the client's own refusal lists the enabled features: the call was never sent
                    .hasMessage("Gated.secret needs the feature 'authenticated', which this connection lacks (enabled: [])");
            assertThat(client.secretAsync(1)).failsWithin(Duration.ZERO)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED));
            assertThat(client.whoami()).isEqualTo("anonymous"); // the connection is still fine
        }
        assertThat(gatedRuns).hasValue(0);
    }

    @Test
    void featuresChangeMidConnectionAndTheClientKnowsWhenTheCallReturns() {
        try (GatedClient client = HardLight.connect(uri(), pinned(), GatedClient.FACTORY)) {
            assertThat(features(client)).isEmpty();
            assertThat(client.login("carol")).isEqualTo("carol");
            assertThat(features(client)).containsExactly("authenticated");
            assertThat(client.secret(5)).isEqualTo(10);
            assertThat(client.echo("hi")).isEqualTo("hi");
            assertThat(client.whoami()).isEqualTo("carol");
            client.logout();
            assertThat(features(client)).isEmpty();
            assertThatThrownBy(() -> client.secret(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED));
            assertThat(client.whoami()).isEqualTo("anonymous");
        }
        assertThat(gatedRuns).hasValue(2);
    }

    @Test
    void forbiddenCallIsRefusedBeforeItsArgumentsAreDecoded() throws Exception {
        RawWebSocket raw = AuthTestSupport.connect(uri());
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        // echo(String) with a string length that is not a valid varint: decoding it would fail
        byte[] garbage = {FrameType.CALL, 0, (byte) GatedSchema.ECHO.id(), (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff};
        raw.ws.sendBinary(ByteBuffer.wrap(garbage), true).get(5, TimeUnit.SECONDS);
        var error = AuthTestSupport.error(raw.take());
        assertThat(error.callId()).isZero();
        assertThat(error.status()).isEqualTo(Status.PERMISSION_DENIED);
        assertThat(error.message()).isEqualTo("Gated.echo needs the feature 'authenticated', which this connection lacks");
        raw.ws.abort();
        assertThat(gatedRuns).hasValue(0);
    }

    @Test
    void allowedCallWithTheSameGarbageIsAnInvalidArgument() throws Exception {
        RawWebSocket raw = AuthTestSupport.connect(uri(), "Authorization", "Bearer good");
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        byte[] garbage = {FrameType.CALL, 0, (byte) GatedSchema.ECHO.id(), (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff};
        raw.ws.sendBinary(ByteBuffer.wrap(garbage), true).get(5, TimeUnit.SECONDS);
        var error = AuthTestSupport.error(raw.take());
        assertThat(error.status()).isEqualTo(Status.INVALID_ARGUMENT);
        assertThat(error.message()).startsWith("cannot decode the arguments of echo");
        raw.ws.abort();
        assertThat(gatedRuns).hasValue(0);
    }

    @Test
    void sessionCookieAuthenticatesAtTheUpgrade() {
        ClientOptions withCookie = pinned().toBuilder().header("Cookie", "theme=dark; session=s-bob").build();
        try (GatedClient client = HardLight.connect(uri(), withCookie, GatedClient.FACTORY)) {
            assertThat(features(client)).containsExactly("authenticated");
            assertThat(client.whoami()).isEqualTo("bob");
            assertThat(client.secret(1)).isEqualTo(2);
        }
    }

    @Test
    void handlersAndTheFactorySeeTheUpgradeRequest() {
        ClientOptions options = pinned().toBuilder()
                .header("Cookie", "theme=dark; session=s-unknown")
                .header("X-Client", "tests/1.0")
                .build();
        URI withQuery = URI.create(uri() + "?room=42&room=43&lang=en");
        try (GatedClient client = HardLight.connect(withQuery, options, GatedClient.FACTORY)) {
            assertThat(client.request("header:x-client")).isEqualTo("tests/1.0");
            assertThat(client.request("header:X-CLIENT")).isEqualTo("tests/1.0");
            assertThat(client.request("header:Authorization")).isEqualTo("-");
            assertThat(client.request("cookie:theme")).isEqualTo("dark");
            assertThat(client.request("cookie:session")).isEqualTo("s-unknown");
            assertThat(client.request("query:room")).isEqualTo("42");
            assertThat(client.request("query:lang")).isEqualTo("en");
            assertThat(client.request("path")).isEqualTo("/hl");
            assertThat(client.request("remote")).contains("127.0.0.1");
            assertThat(client.whoami()).isEqualTo("anonymous"); // unknown session: anonymous, not refused
            UpgradeRequest seen = factoryRequest.get();
            assertThat(seen).isNotNull();
            assertThat(seen.header("X-Client")).hasValue("tests/1.0");
            assertThat(seen.queryParameters().get("room")).containsExactly("42", "43");
            assertThat(seen.clientCertificates()).isEmpty();
            assertThat(seen.header("Origin")).as("the HardLight client is not a browser").isEmpty();
        }
    }

    @Test
    void withoutAnAuthenticatorConnectionsHaveNoFeatureNoPrincipalButTheirRequest() {
        AtomicInteger runs = new AtomicInteger();
        try (HardLightServer plain = HardLight.server(Gated.class, c -> new GatedHandler(c, runs))
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start();
             GatedClient client = HardLight.connect(URI.create("wss://localhost:" + plain.port() + "/hl"),
                     ClientOptions.pinned(plain.tlsFingerprint()).toBuilder().header("Authorization", "Bearer good").build(), GatedClient.FACTORY)) {
            assertThat(features(client)).isEmpty();
            assertThat(client.whoami()).isEqualTo("anonymous");
            assertThat(client.request("header:Authorization")).isEqualTo("Bearer good");
            assertThatThrownBy(() -> client.secret(1)).isInstanceOf(RpcException.class);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void hangingAuthenticatorIsBoundedByTheUpgradeTimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        ServerBuilder<Gated> b = HardLight.server(Gated.class, c -> new GatedHandler(c, new AtomicInteger()))
                .tls(TestServer.TLS).bind("127.0.0.1", 0)
                .authenticator(r -> {
                    started.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return Authenticator.Result.accept(Set.of("authenticated"), "late");
                });
        try (HardLightServer hanging = b.handshakeTimeout(Duration.ofMillis(500)).start()) {
            URI u = URI.create("wss://localhost:" + hanging.port() + "/hl");
            long t0 = System.nanoTime();
            RawWebSocket raw = new RawWebSocket();
            assertThatThrownBy(() -> AuthTestSupport.open(u, raw).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(java.io.IOException.class);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(started.await(0, TimeUnit.SECONDS)).isTrue();
            assertThat(millis).as("closed by the upgrade timeout").isBetween(400L, 5_000L);
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the authenticator's thread is interrupted").isTrue();

            // The generated client sees the same: the connection closes during the upgrade.
            assertThatThrownBy(() -> HardLight.connect(u, ClientOptions.pinned(hanging.tlsFingerprint()), GatedClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("closed during the WebSocket upgrade");
        }
    }
}
