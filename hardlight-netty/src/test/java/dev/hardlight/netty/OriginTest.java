package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.internal.protocol.FrameType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The origin check against cross-site WebSocket hijacking, seen by a raw browser-like client. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class OriginTest {

    private static HardLightServer start(java.util.function.Consumer<ServerBuilder<Gated>> customize) {
        ServerBuilder<Gated> b = HardLight.server(Gated.class, c -> new GatedHandler(c, new AtomicInteger()))
                .tls(TestServer.TLS).bind("127.0.0.1", 0);
        customize.accept(b);
        return b.start();
    }

    private static URI uri(HardLightServer s) {
        return URI.create("wss://localhost:" + s.port() + "/hl");
    }

    private static void accepted(HardLightServer s, String... headers) throws Exception {
        RawWebSocket raw = AuthTestSupport.connect(uri(s), headers);
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        raw.ws.abort();
    }

    private static void refused(HardLightServer s, String origin) throws Exception {
        HttpResponse<?> res = AuthTestSupport.refusal(uri(s), "Origin", origin);
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.headers().firstValue("sec-websocket-accept")).isEmpty();
        assertThat(String.valueOf(res.body())).isEqualTo("origin " + origin + " is not allowed to connect to this server\n");
    }

    @Test
    void byDefaultOnlyTheSameOriginAndNonBrowsersMayConnect() throws Exception {
        try (HardLightServer s = start(b -> {})) {
            accepted(s, "Origin", "https://localhost:" + s.port());
            accepted(s, "Origin", "HTTPS://LocalHost:" + s.port());
            accepted(s); // no Origin: not a browser page
            refused(s, "https://evil.example");
            refused(s, "http://localhost:" + s.port()); // another scheme is another origin
            refused(s, "https://localhost:1"); // and so is another port
            refused(s, "null");
        }
    }

    @Test
    void configuredOriginsAreAllowedToo() throws Exception {
        try (HardLightServer s = start(b -> b.allowedOrigins("https://app.example", "http://dev.example:8080/")
                .allowedOrigins("https://admin.example:443"))) {
            accepted(s, "Origin", "https://app.example");
            accepted(s, "Origin", "https://APP.example:443");
            accepted(s, "Origin", "http://dev.example:8080");
            accepted(s, "Origin", "https://admin.example");
            accepted(s, "Origin", "https://localhost:" + s.port());
            refused(s, "https://evil.example");
            refused(s, "http://app.example");
        }
    }

    @Test
    void allowAnyOriginIsTheExplicitOptOut() throws Exception {
        try (HardLightServer s = start(ServerBuilder::allowAnyOrigin)) {
            accepted(s, "Origin", "https://evil.example");
            accepted(s, "Origin", "null");
            accepted(s);
        }
    }

    @Test
    void originCheckComesBeforeTheAuthenticator() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (HardLightServer s = start(b -> b.authenticator(r -> {
            runs.incrementAndGet();
            return dev.hardlight.Authenticator.Result.unauthorized("no");
        }))) {
            refused(s, "https://evil.example");
            assertThat(runs).hasValue(0);
        }
    }

    @Test
    void malformedAllowedOriginsAreRejectedByTheBuilder() {
        ServerBuilder<Gated> b = HardLight.server(Gated.class, c -> new GatedHandler(c, new AtomicInteger()));
        for (String bad : new String[] {"app.example", "ftp://app.example", "https://app.example/path",
                "https://user@app.example", "https://app.example?x=1", "*", "null", ""}) {
            assertThatThrownBy(() -> b.allowedOrigins(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected: an origin as browsers send it");
        }
        assertThatThrownBy(() -> b.allowedOrigins((String) null)).isInstanceOf(NullPointerException.class);
    }
}
