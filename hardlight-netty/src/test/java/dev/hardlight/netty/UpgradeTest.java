package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codecs;
import dev.hardlight.internal.protocol.FrameType;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The upgrade: version agreement refused before any WebSocket exists, paths, services, methods. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class UpgradeTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<?> refusal(String... subprotocols) throws Exception {
        RawWebSocket listener = new RawWebSocket();
        try {
            RawWebSocket.open(server.uri(), listener, subprotocols).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse();
        }
        throw new AssertionError("the upgrade was accepted");
    }

    @Test
    void unknownVersionIsRefusedWith400AndReason() throws Exception {
        HttpResponse<?> res = refusal("hardlight.v9");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("sec-websocket-accept")).isEmpty();
        assertThat(String.valueOf(res.body()))
                .contains("client offers hardlight.v9; this server speaks hardlight.v1");
    }

    @Test
    void missingVersionIsRefusedWith400AndReason() throws Exception {
        HttpResponse<?> res = refusal();
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(String.valueOf(res.body())).contains("missing Sec-WebSocket-Protocol: this server speaks hardlight.v1");
    }

    @Test
    void versionListIncludingV1IsAccepted() throws Exception {
        RawWebSocket raw = new RawWebSocket();
        raw.ws = RawWebSocket.open(server.uri(), raw, "hardlight.v9", "hardlight.v1").get(10, TimeUnit.SECONDS);
        assertThat(raw.ws.getSubprotocol()).isEqualTo("hardlight.v1");
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        raw.ws.abort();
    }

    @Test
    void pingIsAnswered() throws Exception {
        RawWebSocket raw = RawWebSocket.connect(server.uri());
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        raw.ws.sendPing(ByteBuffer.wrap("are you there".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(raw.pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("are you there");
        raw.ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        assertThat(raw.closed.get(10, TimeUnit.SECONDS)).startsWith("1000");
    }

    @Test
    void plainHttpGetIsAskedToUpgrade() throws Exception {
        var res = RawWebSocket.trustAllClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.server.port() + "/hl")).version(java.net.http.HttpClient.Version.HTTP_1_1).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(426);
        assertThat(res.body()).contains("send a WebSocket upgrade with Sec-WebSocket-Protocol: hardlight.v1");
    }

    @Test
    void wrongPathIsNotFound() {
        URI wrong = URI.create("wss://localhost:" + server.server.port() + "/nope");
        assertThatThrownBy(() -> HardLight.connect(wrong, server.pinned(), CounterClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("no HardLight service at /nope");
    }

    @Test
    void otherServiceIsIncompatible() {
        ServiceDescriptor<Counter> other = new ServiceDescriptor<>(Counter.class, "Other", TestContracts.sha256("other"),
                "other", List.of(CounterSchema.INCREMENT), CounterSchema.DESCRIPTOR.dispatcher());
        assertThatThrownBy(() -> HardLight.connect(server.uri(), server.pinned(), other))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INCOMPATIBLE))
                .hasMessageContaining("'Counter'")
                .hasMessageContaining("'Other'");
    }

    @Test
    void methodTheServerDoesNotHaveIsUnimplemented() throws Exception {
        MethodDescriptor<Integer> extra = new MethodDescriptor<>(4, "decrement", 0x2001L, Codecs.INT, List.of());
        List<MethodDescriptor<?>> methods = new java.util.ArrayList<>(CounterSchema.DESCRIPTOR.methods());
        methods.add(extra);
        ServiceDescriptor<Counter> newer = new ServiceDescriptor<>(Counter.class, "Counter", TestContracts.sha256("newer"),
                "newer", methods, CounterSchema.DESCRIPTOR.dispatcher());
        try (var channel = HardLight.connect(server.uri(), server.pinned(), newer)) {
            assertThatThrownBy(() -> channel.call(extra, out -> out.writeInt(1)))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNIMPLEMENTED));
            assertThat(channel.call(CounterSchema.INCREMENT, out -> out.writeInt(0))).isNotNull();
        }
    }

    @Test
    void unknownMethodIdOnTheWireIsUnimplemented() throws Exception {
        RawWebSocket raw = RawWebSocket.connect(server.uri());
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        raw.ws.sendBinary(ByteBuffer.wrap(new byte[] {FrameType.CALL, 0, 99}), true).get(5, TimeUnit.SECONDS);
        byte[] answer = raw.take();
        assertThat(answer[0]).isEqualTo((byte) FrameType.ERROR);
        var buf = Unpooled.wrappedBuffer(answer);
        buf.skipBytes(1);
        Frames.ErrorBody error = Frames.readErrorBody(buf);
        assertThat(error.callId()).isZero();
        assertThat(error.status()).isEqualTo(Status.UNIMPLEMENTED);
        assertThat(error.message()).contains("unknown method id 99");
        raw.ws.abort();
    }
}
