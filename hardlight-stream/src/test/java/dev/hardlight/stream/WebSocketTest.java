package dev.hardlight.stream;

import static dev.hardlight.stream.RecordingHandler.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WebSocketTest {

    private TestWebSocketServer server;
    private final RecordingHandler handler = new RecordingHandler();
    private WebSocket ws;

    @BeforeEach
    void start() throws Exception {
        server = TestWebSocketServer.plain();
    }

    @AfterEach
    void stop() {
        if (ws != null) {
            ws.close();
        }
        server.close();
    }

    private WebSocket open(WebSocketOptions options) throws Exception {
        ws = WebSocket.over(Streams.tcp(server.address()), server.uri(), options, handler);
        pollUntil(ws, () -> ws.state() == WebSocket.State.OPEN);
        return ws;
    }

    private static UnsafeBuffer bytes(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textAndBinaryMessagesComeBack() throws Exception {
        open(WebSocketOptions.defaults());
        assertThat(handler.opens).isEqualTo(1);
        UnsafeBuffer hello = bytes("hello, world");
        assertThat(ws.sendText(hello, 0, hello.capacity())).isTrue();
        RecordingHandler.Received text = handler.take(ws);
        assertThat(text.type()).isEqualTo(FrameType.TEXT);
        assertThat(text.first()).isTrue();
        assertThat(text.fin()).isTrue();
        assertThat(text.text()).isEqualTo("hello, world");

        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        assertThat(ws.sendBinary(new UnsafeBuffer(payload), 0, payload.length)).isTrue();
        RecordingHandler.Received binary = handler.take(ws);
        assertThat(binary.type()).isEqualTo(FrameType.BINARY);
        assertThat(binary.payload()).isEqualTo(payload);
    }

    @Test
    void extraHeadersGoIntoTheUpgradeRequest() throws Exception {
        open(WebSocketOptions.builder().header("Authorization", "Bearer t0k3n").header("X-Feed", "trades").build());
        assertThat(server.lastUpgradeHeaders.get("authorization")).isEqualTo("Bearer t0k3n");
        assertThat(server.lastUpgradeHeaders.get("x-feed")).isEqualTo("trades");
        assertThat(server.lastUpgradeHeaders.get("host")).isEqualTo("localhost:" + server.port());
        assertThatThrownBy(() -> WebSocketOptions.builder().header("X-Evil", "a\r\nInjected: yes"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textFromACharSequenceIsEncodedAsUtf8() throws Exception {
        open(WebSocketOptions.defaults());
        String text = "prix 3€, pair 🎉, ascii";
        assertThat(ws.sendText(text)).isTrue();
        assertThat(handler.take(ws).text()).isEqualTo(text);
    }

    @Test
    void largeFramesUseTheLongLengthForms() throws Exception {
        open(WebSocketOptions.defaults());
        for (int size : new int[] {125, 126, 65535, 65536, 200_000}) {
            assertThat(ws.sendText("!big " + size)).isTrue();
            RecordingHandler.Received big = handler.take(ws);
            assertThat(big.payload()).hasSize(size);
            for (int i = 0; i < size; i += 997) {
                assertThat(big.payload()[i]).isEqualTo((byte) (i % 251));
            }
        }
    }

    @Test
    void aClaimedPayloadIsWrittenInPlaceAndSent() throws Exception {
        open(WebSocketOptions.defaults());
        for (int length : new int[] {5, 300, 70_000}) {
            int at = ws.claim(length);
            assertThat(at).isNotNegative();
            assertThatThrownBy(() -> ws.sendText("not now")).isInstanceOf(IllegalStateException.class);
            for (int i = 0; i < length; i++) {
                ws.outboundBuffer().putByte(at + i, (byte) ('a' + i % 26));
            }
            assertThat(ws.commit(FrameType.BINARY)).isTrue();
            RecordingHandler.Received echo = handler.take(ws);
            assertThat(echo.type()).isEqualTo(FrameType.BINARY);
            assertThat(echo.payload()).hasSize(length);
            assertThat(echo.payload()[length - 1]).isEqualTo((byte) ('a' + (length - 1) % 26));
        }
        assertThat(ws.claim(3)).isNotNegative();
        assertThatThrownBy(ws::poll).isInstanceOf(IllegalStateException.class).hasMessageContaining("before polling");
        ws.abort();
        assertThat(ws.sendText("after abort")).isTrue();
        assertThat(handler.take(ws).text()).isEqualTo("after abort");
        assertThatThrownBy(() -> ws.commit(FrameType.TEXT)).isInstanceOf(IllegalStateException.class).hasMessage("no claim is open");
    }

    @Test
    void framesSentBeforeTheUpgradeGoOutAfterIt() throws Exception {
        ws = WebSocket.over(Streams.tcp(server.address()), server.uri(), WebSocketOptions.defaults(), handler);
        assertThat(ws.sendText("queued early")).isTrue();
        assertThat(handler.take(ws).text()).isEqualTo("queued early");
    }

    @Test
    void fragmentsFromTheServerArriveOneByOneWithTheirMessageType() throws Exception {
        open(WebSocketOptions.defaults());
        ws.sendText("!fragments");
        pollUntil(ws, () -> handler.frames.size() == 3);
        assertThat(handler.frames).extracting(RecordingHandler.Received::type).containsOnly(FrameType.TEXT);
        assertThat(handler.frames).extracting(RecordingHandler.Received::first).containsExactly(true, false, false);
        assertThat(handler.frames).extracting(RecordingHandler.Received::fin).containsExactly(false, false, true);
        assertThat(handler.frames).extracting(RecordingHandler.Received::text).containsExactly("frag-1 ", "frag-2 é ", "frag-3");
    }

    @Test
    void fragmentsSentAreEchoedAsFragments() throws Exception {
        open(WebSocketOptions.defaults());
        UnsafeBuffer a = bytes("abc");
        assertThat(ws.sendFragment(FrameType.BINARY, true, false, a, 0, 3)).isTrue();
        assertThat(ws.sendFragment(FrameType.BINARY, false, false, a, 1, 2)).isTrue();
        assertThat(ws.sendFragment(FrameType.BINARY, false, true, a, 2, 1)).isTrue();
        pollUntil(ws, () -> handler.frames.size() == 3);
        assertThat(handler.frames).extracting(RecordingHandler.Received::type).containsOnly(FrameType.BINARY);
        assertThat(handler.frames).extracting(RecordingHandler.Received::fin).containsExactly(false, false, true);
        assertThat(handler.frames.get(1).payload()).containsExactly('b', 'c');
    }

    @Test
    void aPingFromTheServerIsAnsweredWithItsPayload() throws Exception {
        open(WebSocketOptions.defaults());
        ws.sendText("!ping");
        pollUntil(ws, () -> handler.frames.size() == 2);
        assertThat(handler.frames.get(0).type()).isEqualTo(FrameType.PING);
        assertThat(handler.frames.get(0).text()).isEqualTo("are you there");
        assertThat(handler.frames.get(1).text()).isEqualTo("pong:are you there");
    }

    @Test
    void aPingFromTheClientGetsAPong() throws Exception {
        open(WebSocketOptions.defaults());
        UnsafeBuffer p = bytes("t=42");
        assertThat(ws.sendPing(p, 0, 4)).isTrue();
        RecordingHandler.Received pong = handler.take(ws);
        assertThat(pong.type()).isEqualTo(FrameType.PONG);
        assertThat(pong.text()).isEqualTo("t=42");
    }

    @Test
    void theClientClosesWithAHandshake() throws Exception {
        open(WebSocketOptions.defaults());
        ws.close(4321, "done");
        assertThat(ws.state()).isEqualTo(WebSocket.State.CLOSING);
        assertThat(ws.sendText("too late")).isFalse();
        pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
        assertThat(server.closeCodes.poll(5, TimeUnit.SECONDS)).isEqualTo(4321);
        assertThat(handler.closeCode).isEqualTo(4321);
        assertThat(ws.failure()).isNull();
    }

    @Test
    void theServerClosesWithAHandshake() throws Exception {
        open(WebSocketOptions.defaults());
        ws.sendText("!close");
        pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
        assertThat(handler.closeCode).isEqualTo(4000);
        assertThat(handler.closeReason).isEqualTo("bye");
        assertThat(server.closeCodes.poll(5, TimeUnit.SECONDS)).as("the client echoed the code").isEqualTo(4000);
    }

    @Test
    void aDroppedConnectionClosesWith1006() throws Exception {
        open(WebSocketOptions.defaults());
        ws.sendText("!drop");
        pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
        assertThat(handler.closeCode).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
        assertThat(handler.closeReason).as(handler.closeReason).containsAnyOf("without a close frame", "reset");
    }

    @Test
    void aRefusedUpgradeSaysWhy() throws Exception {
        ws = WebSocket.over(Streams.tcp(server.address()), java.net.URI.create("ws://localhost:" + server.port() + "/nothing-here"),
                WebSocketOptions.defaults(), handler);
        pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
        assertThat(handler.closeCode).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
        assertThat(handler.closeReason).startsWith("the server refused the WebSocket upgrade: HTTP/1.1 ");
    }

    @Test
    void unmaskedFramesReachAPeerThatAcceptsThem() throws Exception {
        server.close();
        server = new TestWebSocketServer(null, true);
        open(WebSocketOptions.builder().masking(false).build());
        ws.sendText("in the clear");
        assertThat(handler.take(ws).text()).isEqualTo("in the clear");
    }

    @Test
    void aFullOutboundBufferPushesBack() throws Exception {
        open(WebSocketOptions.builder().outboundBuffer(4096).build());
        UnsafeBuffer big = new UnsafeBuffer(new byte[4096 - 14]);
        // the server echoes what it gets, so it is not reading only while this loop does not poll:
        // the socket buffers fill, then the outbound buffer, then a send is refused
        int sent = 0;
        while (ws.sendBinary(big, 0, big.capacity())) {
            sent++;
            if (sent > 1_000_000) {
                throw new AssertionError("never pushed back");
            }
        }
        assertThat(ws.state()).isEqualTo(WebSocket.State.OPEN);
        assertThat(ws.hasPendingOutput()).isTrue();
    }
}
