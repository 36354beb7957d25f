package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact copy of the upgrade request answers as the request did, minus the handshake's own headers. */
class NettyUpgradeRequestTest {
    @Test
    void headersCookiesQueryAndPathAreKeptAndHandshakeHeadersDropped() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hl?room=a&room=b&x=1");
        req.headers().add("Host", "localhost:443").add("Upgrade", "websocket").add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").add("Sec-WebSocket-Version", "13")
                .add("Sec-WebSocket-Extensions", "permessage-deflate").add("Sec-WebSocket-Protocol", "hardlight.v1")
                .add("X-Trace", "one").add("x-trace", "two").add("Cookie", "theme=dark; session=s1").add("Cookie", "session=s2");
        InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 5000);
        NettyUpgradeRequest r = NettyUpgradeRequest.of(req, remote, null);
        req.release();

        assertThat(r.path()).isEqualTo("/hl");
        assertThat(r.header("HOST")).hasValue("localhost:443");
        assertThat(r.headers("X-TRACE")).containsExactly("one", "two");
        assertThat(r.header("x-missing")).isEmpty();
        assertThat(r.headers("x-missing")).isEmpty();
        for (String consumed : List.of("Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol")) {
            assertThat(r.header(consumed)).as(consumed).isEmpty();
        }
        assertThat(r.cookies()).containsExactly(Map.entry("theme", "dark"), Map.entry("session", "s1"));
        assertThat(r.cookie("session")).hasValue("s1");
        assertThat(r.queryParameters()).containsExactly(Map.entry("room", List.of("a", "b")), Map.entry("x", List.of("1")));
        assertThat(r.queryParameter("room")).hasValue("a");
        assertThat(r.remoteAddress()).isEqualTo(remote);
        assertThat(r.clientCertificates()).isEmpty();
        assertThat(r.toString()).isEqualTo("UpgradeRequest[/hl from " + remote + "]");
    }

    @Test
    void aRequestWithoutCookiesOrQueryHasEmptyOnes() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hl");
        NettyUpgradeRequest r = NettyUpgradeRequest.of(req, new InetSocketAddress("127.0.0.1", 1), null);
        req.release();
        assertThat(r.cookies()).isEmpty();
        assertThat(r.queryParameters()).isEmpty();
        assertThat(r.headers("cookie")).isEmpty();
    }
}
