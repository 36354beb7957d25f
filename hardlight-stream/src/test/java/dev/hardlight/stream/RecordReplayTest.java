package dev.hardlight.stream;

import static dev.hardlight.stream.RecordingHandler.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RecordReplayTest {

    @TempDir
    Path dir;

    @Test
    void aRecordingReplaysThroughTheDecoderToTheSameFramesAndTimes() throws Exception {
        Path file = dir.resolve("feed.hlrec");
        RecordingHandler live = new RecordingHandler();
        try (TestWebSocketServer server = TestWebSocketServer.plain()) {
            WebSocket ws = WebSocket.over(Streams.recorded(Streams.tcp(server.address()), file, server.uri().toString()),
                    server.uri(), WebSocketOptions.defaults(), live);
            ws.sendText("one");
            pollUntil(ws, () -> live.frames.size() == 1);
            ws.sendText("!fragments");
            ws.sendText("!ping");
            ws.sendText("!big 70000");
            pollUntil(ws, () -> live.frames.size() == 7);
            ws.sendText("!close");
            pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
        }
        assertThat(live.closeCode).isEqualTo(4000);

        RecordingHandler replayed = new RecordingHandler();
        WebSocket replay = WebSocket.over(Streams.replay(file), java.net.URI.create("ws://localhost/ws"),
                WebSocketOptions.defaults(), replayed);
        pollUntil(replay, () -> replay.state() == WebSocket.State.CLOSED);

        assertThat(replayed.closeCode).isEqualTo(4000);
        assertThat(replayed.frames).hasSameSizeAs(live.frames);
        long liveStart = live.frames.get(0).time();
        long replayStart = replayed.frames.get(0).time();
        for (int i = 0; i < live.frames.size(); i++) {
            RecordingHandler.Received a = live.frames.get(i);
            RecordingHandler.Received b = replayed.frames.get(i);
            assertThat(b.type()).isEqualTo(a.type());
            assertThat(b.first()).isEqualTo(a.first());
            assertThat(b.fin()).isEqualTo(a.fin());
            assertThat(b.payload()).isEqualTo(a.payload());
            assertThat(b.time() - replayStart).as("time of frame %d since the first", i).isEqualTo(a.time() - liveStart);
        }
        assertThat(replayed.frames).extracting(RecordingHandler.Received::type).contains(FrameType.PING, FrameType.BINARY);
        // frames of one read share its time: the three fragments were written in one flush
        assertThat(replayed.frames.subList(1, 4)).extracting(RecordingHandler.Received::time).containsOnly(replayed.frames.get(1).time());
    }

    @Test
    void theFileIsInHardLightsRecordingFormat() throws Exception {
        Path file = dir.resolve("format.hlrec");
        try (TestWebSocketServer server = TestWebSocketServer.plain()) {
            RecordingHandler h = new RecordingHandler();
            WebSocket ws = WebSocket.over(Streams.recorded(Streams.tcp(server.address()), file, "ws://target"),
                    server.uri(), WebSocketOptions.defaults(), h);
            ws.sendText("x");
            pollUntil(ws, () -> h.frames.size() == 1);
            ws.close();
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] magic = in.readNBytes(8);
            assertThat(magic).containsExactly(0x48, 0x4c, 0x52, 0x45, 0x43, 0x0d, 0x0a, 0x1a);
            assertThat(in.readUnsignedShort()).as("version").isEqualTo(1);
            assertThat(in.readUnsignedByte()).as("side: client").isEqualTo(1);
            assertThat(in.readLong()).as("start, wall clock").isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            int fields = in.readUnsignedShort();
            java.util.Map<String, String> header = new java.util.HashMap<>();
            for (int i = 0; i < fields; i++) {
                header.put(new String(in.readNBytes(in.readUnsignedShort())), new String(in.readNBytes(in.readUnsignedShort())));
            }
            assertThat(header).containsEntry("target", "ws://target").containsEntry("credentials", "recorded");
            List<Integer> kinds = new java.util.ArrayList<>();
            int kind;
            do {
                kind = in.readUnsignedByte();
                in.readLong();
                int length = in.readInt();
                byte[] payload = in.readNBytes(length);
                if (kinds.isEmpty()) {
                    assertThat(new String(payload)).startsWith("GET /ws HTTP/1.1\r\n");
                }
                kinds.add(kind);
            } while (kind == 1 || kind == 2);
            assertThat(in.read()).as("nothing after the last record").isEqualTo(-1);
            assertThat(kinds.get(0)).as("the request is written first").isEqualTo(2);
            assertThat(kinds).contains(1).endsWith(3);
        }
    }

    @Test
    void aFileThatIsNotARecordingIsRefused() throws IOException {
        Path file = dir.resolve("not.hlrec");
        Files.writeString(file, "hello, I am not a recording");
        assertThatThrownBy(() -> Streams.replay(file)).isInstanceOf(IOException.class).hasMessageContaining("not a HardLight recording");
    }
}
