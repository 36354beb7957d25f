package dev.hardlight.stream;

import static dev.hardlight.stream.RecordingHandler.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed frames from a server each close the connection with the code RFC 6455 §7.4.1 gives. */
@Timeout(30)
class MalformedFrameTest {

    private static byte[] b(int... bytes) {
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            r[i] = (byte) bytes[i];
        }
        return r;
    }

    static Stream<Arguments> malformed() {
        byte[] longPing = new byte[4 + 126];
        longPing[0] = (byte) 0x89;
        longPing[1] = 126;
        longPing[3] = 126;
        return Stream.of(
                Arguments.of("reserved bit", new byte[][] {b(0xC1, 0x01, 'a')}, 1002, "reserved bits"),
                Arguments.of("unknown data opcode", new byte[][] {b(0x83, 0x00)}, 1002, "unknown opcode 0x3"),
                Arguments.of("unknown control opcode", new byte[][] {b(0x8B, 0x00)}, 1002, "unknown opcode 0xb"),
                Arguments.of("masked frame", new byte[][] {b(0x81, 0x81, 1, 2, 3, 4, 'a')}, 1002, "masked frame"),
                Arguments.of("fragmented control frame", new byte[][] {b(0x09, 0x00)}, 1002, "fragmented control frame"),
                Arguments.of("control frame over 125 bytes", new byte[][] {longPing}, 1002, "over 125 bytes"),
                Arguments.of("continuation without a start", new byte[][] {b(0x80, 0x01, 'a')}, 1002, "without a message"),
                Arguments.of("new message inside a fragmented one", new byte[][] {b(0x01, 0x01, 'a', 0x81, 0x01, 'b')}, 1002, "unfinished"),
                Arguments.of("text that is not UTF-8", new byte[][] {b(0x81, 0x02, 0xC3, 0x28)}, 1007, "not UTF-8"),
                Arguments.of("text ending inside a UTF-8 sequence", new byte[][] {b(0x81, 0x01, 0xC3)}, 1007, "not UTF-8"),
                Arguments.of("surrogate in UTF-8", new byte[][] {b(0x81, 0x03, 0xED, 0xA0, 0x80)}, 1007, "not UTF-8"),
                Arguments.of("close with a 1-byte payload", new byte[][] {b(0x88, 0x01, 0x03)}, 1002, "1-byte payload"),
                Arguments.of("close with code 1005", new byte[][] {b(0x88, 0x02, 0x03, 0xED)}, 1002, "invalid code 1005"),
                Arguments.of("close with code 999", new byte[][] {b(0x88, 0x02, 0x03, 0xE7)}, 1002, "invalid code 999"),
                Arguments.of("close reason not UTF-8", new byte[][] {b(0x88, 0x03, 0x03, 0xE8, 0xFF)}, 1007, "not UTF-8"),
                Arguments.of("frame over the limit", new byte[][] {b(0x82, 0x7E, 0x07, 0xD0)}, 1009, "2000 bytes over the limit of 1024"),
                Arguments.of("64-bit length with the top bit set", new byte[][] {b(0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0)}, 1002, "most significant bit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedFrameClosesWithItsCode(String name, byte[][] script, int code, String reason) throws Exception {
        try (ScriptedPeer peer = new ScriptedPeer(script)) {
            RecordingHandler handler = new RecordingHandler();
            WebSocket ws = WebSocket.over(Streams.tcp(peer.address()), peer.uri(),
                    WebSocketOptions.builder().maxFramePayload(1024).build(), handler);
            pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
            assertThat(handler.closeCode).isEqualTo(code);
            assertThat(handler.closeReason).contains(reason);
            assertThat(ws.failure()).hasMessageContaining("malformed frame from the server").hasMessageContaining(reason);
            assertThat(peer.closeCode.get(10, TimeUnit.SECONDS)).as("the code the server received").isEqualTo(code);
        }
    }

    @Test
    void aCloseTheServerDropsWithoutAnsweringEndsAbnormally() throws Exception {
        try (ScriptedPeer peer = new ScriptedPeer()) {
            RecordingHandler handler = new RecordingHandler();
            WebSocket ws = WebSocket.over(Streams.tcp(peer.address()), peer.uri(), WebSocketOptions.defaults(), handler);
            pollUntil(ws, () -> ws.state() == WebSocket.State.OPEN);
            ws.close(1000, "bye");
            pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
            assertThat(peer.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(handler.closeCode).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
            assertThat(handler.closeReason).contains("without answering the close frame");
        }
    }

    @Test
    void aFrameDribbledByteByByteArrivesWholeAndUtf8MaySplitAcrossFragments() throws Exception {
        byte[] frame = b(0x81, 0x05, 'h', 'e', 'l', 'l', 'o');
        byte[][] chunks = new byte[frame.length + 3][];
        for (int i = 0; i < frame.length; i++) {
            chunks[i] = new byte[] {frame[i]};
        }
        chunks[frame.length] = b(0x01, 0x01, 0xC3); // "é" split over two fragments
        chunks[frame.length + 1] = b(0x80, 0x01, 0xA9);
        chunks[frame.length + 2] = b(0x88, 0x02, 0x03, 0xE8);
        try (ScriptedPeer peer = new ScriptedPeer(chunks)) {
            RecordingHandler handler = new RecordingHandler();
            WebSocket ws = WebSocket.over(Streams.tcp(peer.address()), peer.uri(), WebSocketOptions.defaults(), handler);
            pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
            assertThat(handler.frames).hasSize(3);
            assertThat(handler.frames.get(0).text()).isEqualTo("hello");
            assertThat(handler.frames.get(1).payload()).containsExactly(0xC3);
            assertThat(handler.frames.get(2).payload()).containsExactly(0xA9);
            assertThat(handler.closeCode).isEqualTo(1000);
            assertThat(ws.failure()).isNull();
            assertThat(peer.closeCode.get(10, TimeUnit.SECONDS)).as("the client echoed the close").isEqualTo(1000);
        }
    }
}
