package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.protocol.FrameType;
import dev.hardlight.netty.Tls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Chromium's own {@code WebSocket} sees of the HardLight server's upgrade rules, with the test
 * page served by the server itself ({@code staticFiles}) over TLS trusted by its key's pin: the page's
 * own origin opens the endpoint, a page from another origin is refused unless allowed, a refused
 * upgrade shows the page nothing but close code 1006, and a plain echo server is reachable.
 */
@Timeout(180)
class RawWebSocketTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    @TempDir
    static Path certs;
    static LabServer server;
    static LabServer foreign;
    static LabServer friendly;
    static EchoServer echo;
    static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        Tls tls = Tls.selfSigned("localhost").persistIn(certs);
        String pin = tls.publicKeyPin();
        server = LabServer.start(tls, b -> {});
        foreign = LabServer.start(tls, b -> {});
        friendly = LabServer.start(tls, b -> b.allowedOrigins(foreign.origin()));
        echo = new EchoServer(certs);
        chromium = Chromium.launch("RawWebSocketTest", pin);
        chromium.open("main", server.page());
        chromium.open("foreign", foreign.page());
    }

    @AfterAll
    static void stop() throws Exception {
        int exit = chromium == null ? 0 : chromium.quit();
        for (AutoCloseable c : new AutoCloseable[] {server, foreign, friendly, echo}) {
            if (c != null) {
                c.close();
            }
        }
        assertThat(exit).as("the browser driver's exit code").isZero();
    }

    private static Map<String, Object> connect(String page, String url, String... protocols) {
        return chromium.runForMap(page, "rawConnect", Map.of("url", url, "protocols", List.of(protocols)), TIMEOUT);
    }

    @Test
    void pageIsServedByTheServerOverPinnedTls() {
        assertThat(chromium.run("main", "origin", null, TIMEOUT)).isEqualTo(server.origin());
        assertThat(chromium.run("foreign", "origin", null, TIMEOUT)).isEqualTo(foreign.origin());
    }

    @Test
    void pageOfTheSameOriginOpensTheEndpointAndReadsTheHello() {
        Map<String, Object> o = connect("main", server.endpoint(), "hardlight.v1");
        assertThat(o).containsEntry("opened", true).containsEntry("protocol", "hardlight.v1");
        assertThat((String) o.get("first")).startsWith(String.format("%02x", FrameType.HELLO));
    }

    @Test
    void pageOfAForeignOriginIsRefusedUnlessAllowed() {
        Map<String, Object> refused = connect("foreign", server.endpoint(), "hardlight.v1");
        // The server answers 403 "origin ... is not allowed"; the page only learns that the socket failed.
        assertThat(refused).containsEntry("opened", false).containsEntry("error", true)
                .containsEntry("closeCode", 1006.0).containsEntry("wasClean", false).containsEntry("closeReason", "");
        Map<String, Object> allowed = connect("foreign", friendly.endpoint(), "hardlight.v1");
        assertThat(allowed).containsEntry("opened", true).containsEntry("protocol", "hardlight.v1");
    }

    @Test
    void refusedUpgradeShowsThePageOnlyA1006() {
        for (Map<String, Object> o : List.of(
                connect("main", server.endpoint(), "hardlight.v9"),
                connect("main", server.origin().replace("https:", "wss:") + "/nope", "hardlight.v1"))) {
            assertThat(o).containsEntry("opened", false).containsEntry("error", true)
                    .containsEntry("closeCode", 1006.0).containsEntry("closeReason", "");
        }
    }

    @Test
    void plainWebSocketEchoServerIsReachable() {
        Map<String, Object> o = chromium.runForMap("main", "rawConnect", Map.of("url", "wss://localhost:" + echo.port() + "/",
                "protocols", List.of("hardlight.v1"), "send", "0102ff"), TIMEOUT);
        assertThat(o).containsEntry("opened", true).containsEntry("protocol", "hardlight.v1").containsEntry("first", "0102ff");
    }
}
