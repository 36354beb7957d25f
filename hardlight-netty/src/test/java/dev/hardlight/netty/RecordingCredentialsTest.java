package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials in the HTTP upgrade (Authorization, Cookie, a query token, Set-Cookie) are masked in
 * recordings by default, on both sides, byte for byte; {@code recordCredentials(true)} keeps them.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class RecordingCredentialsTest {
    private static final String BEARER = "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWJlYXJlcg";
    private static final String COOKIE = "session=7f3a9c0e5b1d; theme=darkroast42";
    private static final String TOKEN = "q-token-9d8c7b6a";
    private static final List<String> SECRETS = List.of("eyJhbGciOiJIUzI1NiJ9", "7f3a9c0e5b1d", "darkroast42", TOKEN);

    @TempDir
    Path dir;

    private static URI withToken(URI uri) {
        return URI.create(uri + "?room=lobby&token=" + TOKEN);
    }

    private static ClientOptions.Builder withCredentials(ClientOptions options) {
        return options.toBuilder().header("Authorization", BEARER).header("Cookie", COOKIE);
    }

    @Test
    void aClientRecordingHoldsNoneOfTheCredentialsItSentAndStillDecodes() throws Exception {
        Path file = dir.resolve("client.hlrec");
        try (TestServer server = TestServer.start()) {
            try (CounterClient c = HardLight.connect(withToken(server.uri()), withCredentials(server.pinned()).record(file).build(), CounterClient.FACTORY)) {
                assertThat(c.increment(3)).isEqualTo(3);
            }
            Recording r = RecordingTest.awaitComplete(file);
            assertNoSecretIn(file);
            assertThat(r.credentialsRedacted()).isTrue();
            assertThat(r.toString()).endsWith(", credentials masked");
            assertThat(r.target()).isEqualTo(server.uri() + "?room=*****&token=" + stars(TOKEN));

            String request = new String(r.entries().get(0).bytes(), StandardCharsets.ISO_8859_1);
            assertThat(r.entries().get(0).direction()).isEqualTo(Recording.Direction.WRITE);
            assertThat(request).startsWith("GET /hl?room=*****&token=" + stars(TOKEN) + " HTTP/1.1\r\n")
                    .containsIgnoringCase("authorization: " + stars(BEARER) + "\r\n")
                    .containsIgnoringCase("cookie: " + stars(COOKIE) + "\r\n")
                    .containsIgnoringCase("sec-websocket-protocol: hardlight.v1\r\n");
            assertThat(r.decode()).extracting(Recording.Frame::type)
                    .containsExactly("HTTP", "HTTP", "HELLO", "CALL", "RESULT", "WS_CLOSE", "WS_CLOSE");
            assertThat(r.decode().get(0).summary()).isEqualTo("GET /hl?room=*****&token=" + stars(TOKEN)
                    + " HTTP/1.1, protocol hardlight.v1");
        }
    }

    @Test
    void aClientRecordingWithRecordCredentialsKeepsThemAtTheSameOffsets() throws Exception {
        Path masked = dir.resolve("masked.hlrec");
        Path clear = dir.resolve("clear.hlrec");
        try (TestServer server = TestServer.start()) {
            for (Path file : List.of(masked, clear)) {
                ClientOptions options = withCredentials(server.pinned()).record(file).recordCredentials(file == clear).build();
                assertThat(options.recordCredentials()).isEqualTo(file == clear);
                try (CounterClient c = HardLight.connect(withToken(server.uri()), options, CounterClient.FACTORY)) {
                    assertThat(c.increment(1)).isEqualTo(1);
                }
            }
            Recording m = RecordingTest.awaitComplete(masked);
            Recording c = RecordingTest.awaitComplete(clear);
            assertEverySecretIn(clear);
            assertThat(c.credentialsRedacted()).isFalse();
            assertThat(c.toString()).endsWith(", credentials in clear");
            assertThat(c.target()).isEqualTo(withToken(server.uri()).toString());

            // Masking changes no length: the request is as long either way, and differs only where a credential is
            // (and in its random Sec-WebSocket-Key).
            byte[] mr = m.entries().get(0).bytes();
            byte[] cr = c.entries().get(0).bytes();
            assertThat(mr).hasSameSizeAs(cr);
            String ms = new String(mr, StandardCharsets.ISO_8859_1);
            String cs = new String(cr, StandardCharsets.ISO_8859_1);
            assertThat(cs.replace(TOKEN, stars(TOKEN)).replace("lobby", "*****").replace(BEARER, stars(BEARER))
                    .replace(COOKIE, stars(COOKIE)).replaceAll("(?i)(sec-websocket-key: )\\S+", "$1"))
                    .isEqualTo(ms.replaceAll("(?i)(sec-websocket-key: )\\S+", "$1"));
        }
    }

    @Test
    void aServerRecordingHoldsNoneOfTheClientsCredentials() throws Exception {
        try (TestServer server = TestServer.start(b -> b.record(dir))) {
            try (CounterClient c = HardLight.connect(withToken(server.uri()), withCredentials(server.pinned()).build(), CounterClient.FACTORY)) {
                assertThat(c.increment(4)).isEqualTo(4);
            }
            Path file = Await.onlyFileIn(dir);
            Recording r = RecordingTest.awaitComplete(file);
            assertNoSecretIn(file);
            assertThat(r.credentialsRedacted()).isTrue();
            assertThat(r.entries().get(0).direction()).as("the server reads the request").isEqualTo(Recording.Direction.READ);
            assertThat(new String(r.entries().get(0).bytes(), StandardCharsets.ISO_8859_1))
                    .containsIgnoringCase("authorization: " + stars(BEARER) + "\r\n")
                    .containsIgnoringCase("cookie: " + stars(COOKIE) + "\r\n");
            assertThat(r.decode()).extracting(Recording.Frame::type)
                    .containsExactly("HTTP", "HTTP", "HELLO", "CALL", "RESULT", "WS_CLOSE", "WS_CLOSE");
            assertThat(r.decode().get(0).summary()).startsWith("GET /hl?room=*****&token=" + stars(TOKEN) + " HTTP/1.1");
        }
    }

    @Test
    void aServerRecordingWithRecordCredentialsKeepsThem() throws Exception {
        try (TestServer server = TestServer.start(b -> b.record(dir).recordCredentials(true))) {
            try (CounterClient c = HardLight.connect(withToken(server.uri()), withCredentials(server.pinned()).build(), CounterClient.FACTORY)) {
                assertThat(c.increment(4)).isEqualTo(4);
            }
            Path file = Await.onlyFileIn(dir);
            Recording r = RecordingTest.awaitComplete(file);
            assertEverySecretIn(file);
            assertThat(r.credentialsRedacted()).isFalse();
        }
    }

    /** A Set-Cookie in the answer a client reads (here a refusal from a plain HTTP peer) is masked too. */
    @Test
    void aSetCookieTheClientReadsIsMasked() throws Exception {
        Path file = dir.resolve("refused.hlrec");
        String setCookie = "sid=0a1b2c3d4e5f; Path=/; HttpOnly";
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(10_000);
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(10_000);
                    readHead(s.getInputStream());
                    s.getOutputStream().write(("HTTP/1.1 401 Unauthorized\r\nSet-Cookie: " + setCookie
                            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            URI uri = URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/hl");
            ClientOptions options = ClientOptions.builder().insecurePlaintext().record(file).build();
            assertThatThrownBy(() -> HardLight.connect(uri, options, CounterClient.FACTORY).close()).isInstanceOf(RpcException.class);
            answered.get(10, TimeUnit.SECONDS);
        }
        Recording r = RecordingTest.awaitComplete(file);
        assertThat(contents(file)).doesNotContain("0a1b2c3d4e5f");
        assertThat(r.entries()).extracting(Recording.Entry::direction).contains(Recording.Direction.READ);
        String answer = new String(r.entries().stream().filter(e -> e.direction() == Recording.Direction.READ)
                .findFirst().orElseThrow().bytes(), StandardCharsets.ISO_8859_1);
        assertThat(answer).contains("\r\nSet-Cookie: " + stars(setCookie) + "\r\nContent-Length: 0\r\n");
        assertThat(r.decode()).extracting(Recording.Frame::type).startsWith("HTTP", "HTTP");
        assertThat(r.decode().get(1).summary()).startsWith("HTTP/1.1 401 Unauthorized");
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int n = 0; matched < 4 && n < 64 * 1024; n++) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed before the end of its request");
            }
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    private static void assertNoSecretIn(Path file) throws IOException {
        assertThat(contents(file)).as(file.toString()).doesNotContain(SECRETS);
    }

    private static void assertEverySecretIn(Path file) throws IOException {
        assertThat(contents(file)).as(file.toString()).contains(SECRETS);
    }

    /** The file's bytes, one char each, for searching. */
    private static String contents(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }

    private static String stars(String s) {
        return "*".repeat(s.length());
    }
}
