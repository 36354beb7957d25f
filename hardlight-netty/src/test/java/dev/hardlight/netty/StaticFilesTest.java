package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.internal.protocol.FrameType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ServerBuilder#staticFiles(Path)} over real TLS on loopback: a browser-like client for the
 * normal requests, raw HTTP over a TLS socket for the hostile ones, and the HardLight endpoint on
 * the same port keeping its own rules.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class StaticFilesTest {
    private static final String SECRET = "the secret beside the site";
    @TempDir
    static Path dir;
    static Path site;
    static byte[] large;
    static TestServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        site = Files.createDirectory(dir.resolve("site"));
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>home</title>");
        Files.writeString(site.resolve("app.js"), "console.log('hi');");
        Files.writeString(site.resolve("app.MJS"), "export {};");
        Files.writeString(site.resolve("data.bin"), "raw");
        Files.writeString(site.resolve(".env"), SECRET);
        Files.createDirectories(site.resolve("sub/deeper"));
        Files.writeString(site.resolve("sub/index.html"), "<p>sub</p>");
        Files.writeString(site.resolve("sub/deeper/x.css"), "p{}");
        Files.createDirectory(site.resolve("nolisting"));
        Files.writeString(site.resolve("nolisting/a.txt"), "a");
        Files.createSymbolicLink(site.resolve("link-out.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(site.resolve("dir-out"), dir);
        Files.createSymbolicLink(site.resolve("link-in.js"), site.resolve("app.js"));
        large = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(large);
        Files.write(site.resolve("big.wasm"), large);
        server = TestServer.start(b -> b.staticFiles(site));
        http = RawWebSocket.trustAllClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI url(String path) {
        return URI.create("https://localhost:" + server.server.port() + path);
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String body(HttpResponse<byte[]> res) {
        return new String(res.body(), StandardCharsets.UTF_8);
    }

    @Test
    void servesFilesWithTheirContentTypes() throws Exception {
        HttpResponse<byte[]> html = get("/index.html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(body(html)).isEqualTo("<!doctype html><title>home</title>");
        assertThat(html.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(html.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(get("/app.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/app.MJS").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/sub/deeper/x.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        HttpResponse<byte[]> bin = get("/data.bin");
        assertThat(bin.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(body(bin)).isEqualTo("raw");
    }

    @Test
    void directoryServesItsIndexAndNeverAListing() throws Exception {
        assertThat(body(get("/"))).isEqualTo("<!doctype html><title>home</title>");
        assertThat(body(get("/sub/"))).isEqualTo("<p>sub</p>");
        assertThat(body(get("/?x=1"))).isEqualTo("<!doctype html><title>home</title>");
        HttpResponse<byte[]> redirect = get("/sub");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("location")).hasValue("/sub/");
        HttpResponse<byte[]> listing = get("/nolisting/");
        assertThat(listing.statusCode()).isEqualTo(404);
        assertThat(body(listing)).doesNotContain("a.txt");
        assertThat(get("/app.js/").statusCode()).isEqualTo(404);
        assertThat(get("/missing.html").statusCode()).isEqualTo(404);
    }

    @Test
    void largeFileIsStreamedWhole() throws Exception {
        HttpResponse<byte[]> res = get("/big.wasm");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/wasm");
        assertThat(res.headers().firstValueAsLong("content-length")).hasValue(large.length);
        assertThat(res.body()).isEqualTo(large);
    }

    @Test
    void headAnswersTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(url("/big.wasm")).version(HttpClient.Version.HTTP_1_1)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValueAsLong("content-length")).hasValue(large.length);
        assertThat(res.body()).isEmpty();
    }

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(url("/index.html")).version(HttpClient.Version.HTTP_1_1)
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).as(method).isEqualTo(405);
            assertThat(res.headers().firstValue("allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void unchangedFileIsAnswered304() throws Exception {
        HttpResponse<byte[]> first = get("/app.js");
        String etag = first.headers().firstValue("etag").orElseThrow();
        String lastModified = first.headers().firstValue("last-modified").orElseThrow();
        HttpResponse<byte[]> byTag = get("/app.js", "If-None-Match", etag);
        assertThat(byTag.statusCode()).isEqualTo(304);
        assertThat(byTag.body()).isEmpty();
        assertThat(get("/app.js", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        assertThat(get("/app.js", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(get("/app.js", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").statusCode()).isEqualTo(200);
    }

    @Test
    void symbolicLinksAreFollowedOnlyInsideTheDirectory() throws Exception {
        assertThat(body(get("/link-in.js"))).isEqualTo("console.log('hi');");
        assertThat(get("/link-out.txt").statusCode()).isEqualTo(404);
        assertThat(get("/dir-out/secret.txt").statusCode()).isEqualTo(404);
        assertThat(get("/.env").statusCode()).isEqualTo(404);
    }

    /** Sends {@code GET <target>} as written, over TLS, and returns the whole answer. */
    private static String raw(String target) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.server.port()), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost:" + server.server.port()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer); // every answer closes the connection
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static int status(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 ");
        return Integer.parseInt(answer.substring(9, 12));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/sub%2f..%2f..%2fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
        "/.%2e/secret.txt", "/index.html%00.js", "/a%00", "//secret.txt", "/" + "%2e%2e/" + "x", "/dir-out/secret.txt",
        "/link-out.txt", "/.env", "/%2eenv", "/C:/secret.txt", "/%c0%ae%c0%ae/secret.txt", "/%zz", "/%c3%28", "/%",
        "secret.txt", "*", "http://localhost/../secret.txt", "/\u0001"})
    void hostilePathsReachNothingOutside(String target) throws Exception {
        String answer = raw(target);
        assertThat(status(answer)).as(answer).isIn(400, 404);
        assertThat(answer).doesNotContain(SECRET);
    }

    @Test
    void absolutePathIsInsideTheDirectory() throws Exception {
        String answer = raw(dir.resolve("secret.txt").toString());
        assertThat(status(answer)).isEqualTo(404);
        assertThat(answer).doesNotContain(SECRET);
    }

    @Test
    void overlongPathIsRefused() throws Exception {
        String answer = raw("/" + "a".repeat(2000));
        assertThat(status(answer)).isEqualTo(414);
    }

    @Test
    void theEndpointKeepsItsRules() throws Exception {
        try (CounterClient client = server.connect()) {
            assertThat(client.increment(5)).isEqualTo(5);
        }
        HttpResponse<byte[]> plain = get("/hl");
        assertThat(plain.statusCode()).isEqualTo(426);
        RawWebSocket same = AuthTestSupport.connect(server.uri(), "Origin", "https://localhost:" + server.server.port());
        assertThat(same.take()[0]).isEqualTo((byte) FrameType.HELLO);
        same.ws.abort();
        HttpResponse<?> foreign = AuthTestSupport.refusal(server.uri(), "Origin", "https://localhost:1");
        assertThat(foreign.statusCode()).isEqualTo(403);
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(url("/hl")).version(HttpClient.Version.HTTP_1_1)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(head.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void filesAreServedWithCompressionAndRecordingInThePipelineToo(@TempDir Path recordings) throws Exception {
        try (TestServer other = TestServer.start(b -> b.staticFiles(site).compression(Compression.deflate()).record(recordings))) {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + other.server.port()
                    + "/big.wasm")).version(HttpClient.Version.HTTP_1_1).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(large);
            try (CounterClient client = other.connect()) {
                assertThat(client.increment(2)).isEqualTo(2);
            }
        }
    }

    @Test
    void builderRefusesAMissingDirectory() {
        assertThatThrownBy(() -> HardLight.server(Counter.class, c -> null).staticFiles(dir.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: an existing directory");
        assertThatThrownBy(() -> HardLight.server(Counter.class, c -> null).staticFiles(dir.resolve("secret.txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a directory");
    }
}
