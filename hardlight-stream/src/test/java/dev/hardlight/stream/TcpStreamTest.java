package dev.hardlight.stream;

import static dev.hardlight.stream.RecordingHandler.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TcpStreamTest {

    private TestWebSocketServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = TestWebSocketServer.plain();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStreamBoundToALocalAddressLeavesFromIt() throws Exception {
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (Stream s = Streams.tcp(server.address(), local)) {
            RecordingHandler h = new RecordingHandler();
            WebSocket ws = WebSocket.over(s, server.uri(), WebSocketOptions.defaults(), h);
            ws.sendText("bound");
            assertThat(h.take(ws).text()).isEqualTo("bound");
            InetSocketAddress bound = (InetSocketAddress) s.channel().getLocalAddress();
            assertThat(bound.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        }
    }

    @Test
    void aStreamBoundToAnInterfaceUsesItsAddress() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        try (Stream s = Streams.tcp(server.address(), lo)) {
            pollUntilConnected(s);
            assertThat(((InetSocketAddress) s.channel().getLocalAddress()).getAddress().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void anUnresolvedAddressIsRefused() {
        assertThatThrownBy(() -> Streams.tcp(InetSocketAddress.createUnresolved("example.com", 80)))
                .isInstanceOf(IOException.class).hasMessageContaining("unresolved address");
    }

    @Test
    void aRecordingStopsAtItsCapWithATruncatedRecord() throws Exception {
        Path file = dir.resolve("capped.hlrec");
        RecordingHandler h = new RecordingHandler();
        WebSocket ws = WebSocket.over(Streams.recorded(Streams.tcp(server.address()), file, "t", 8192),
                server.uri(), WebSocketOptions.defaults(), h);
        ws.sendText("!big 20000");
        assertThat(h.take(ws).payload()).as("the connection goes on past the cap").hasSize(20000);
        ws.close();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isLessThanOrEqualTo(8192);
        String tail = new String(bytes, bytes.length - 60, 60, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(tail).contains("the recording reached its cap of 8192 bytes");
        assertThatThrownBy(() -> Streams.recorded(Streams.replay(file), dir.resolve("x"), "t", 100))
                .hasMessageContaining("capBytes: 100");
    }

    private static void pollUntilConnected(Stream s) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!s.finishConnect()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not connected");
            }
        }
    }
}
