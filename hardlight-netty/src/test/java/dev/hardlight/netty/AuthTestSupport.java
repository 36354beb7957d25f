package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.protocol.Frames;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Raw upgrades with extra headers, for the tests where the HTTP status matters. */
final class AuthTestSupport {
    private AuthTestSupport() {}

    /** Opens a hardlight.v1 WebSocket with these extra headers (name, value, name, value, ...). */
    static CompletableFuture<WebSocket> open(URI uri, RawWebSocket listener, String... headers) {
        WebSocket.Builder b = RawWebSocket.trustAllClient().newWebSocketBuilder().subprotocols("hardlight.v1");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.buildAsync(uri, listener);
    }

    /** Opens and waits; the listener's {@code ws} is set. */
    static RawWebSocket connect(URI uri, String... headers) throws Exception {
        RawWebSocket raw = new RawWebSocket();
        raw.ws = open(uri, raw, headers).get(10, TimeUnit.SECONDS);
        return raw;
    }

    /** The HTTP answer to an upgrade the server must refuse. */
    static HttpResponse<?> refusal(URI uri, String... headers) throws Exception {
        try {
            WebSocket ws = open(uri, new RawWebSocket(), headers).get(10, TimeUnit.SECONDS);
            ws.abort();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse();
        }
        throw new AssertionError("the upgrade was accepted");
    }

    /** Decodes an ERROR frame. */
    static Frames.ErrorBody error(byte[] frame) {
        assertThat(frame[0]).as("an ERROR frame").isEqualTo((byte) dev.hardlight.internal.protocol.FrameType.ERROR);
        var buf = Unpooled.wrappedBuffer(frame);
        buf.skipBytes(1);
        return Frames.readErrorBody(buf);
    }
}
