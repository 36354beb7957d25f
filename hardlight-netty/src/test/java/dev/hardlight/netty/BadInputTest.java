package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.protocol.FrameType;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Malformed input closes the offending connection with the right code, and only that one. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class BadInputTest {
    static TestServer server;
    static CounterClient bystander;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.maxMessageSize(1024));
        bystander = server.connect();
    }

    @AfterAll
    static void stop() {
        bystander.close();
        server.close();
    }

    private static RawWebSocket rawAfterHello() throws Exception {
        RawWebSocket raw = RawWebSocket.connect(server.uri());
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.HELLO);
        return raw;
    }

    @Test
    void textFrameClosesWith1003() throws Exception {
        RawWebSocket raw = rawAfterHello();
        raw.ws.sendText("hello?", true);
        assertThat(raw.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1003 text frames are not part of hardlight.v1");
        assertThat(bystander.increment(1)).isPositive();
    }

    @Test
    void malformedBinaryClosesWith1002AndOthersKeepWorking() throws Exception {
        int before = bystander.increment(0);
        RawWebSocket raw = rawAfterHello();
        raw.ws.sendBinary(ByteBuffer.wrap(new byte[] {FrameType.CALL, (byte) 0xFF}), true);
        assertThat(raw.closed.get(10, TimeUnit.SECONDS)).startsWith("1002 ");
        RawWebSocket unknownType = rawAfterHello();
        unknownType.ws.sendBinary(ByteBuffer.wrap(new byte[] {0x7F}), true);
        assertThat(unknownType.closed.get(10, TimeUnit.SECONDS)).startsWith("1002 ").contains("unknown frame type");
        assertThat(bystander.increment(1)).isEqualTo(before + 1);
    }

    @Test
    void oversizeFrameClosesWith1009() throws Exception {
        RawWebSocket raw = rawAfterHello();
        raw.ws.sendBinary(ByteBuffer.wrap(new byte[2048]), true);
        assertThat(raw.closed.get(10, TimeUnit.SECONDS)).startsWith("1009");
        assertThat(bystander.increment(1)).isPositive();
    }

    @Test
    void oversizeFragmentedMessageClosesWith1009() throws Exception {
        RawWebSocket raw = rawAfterHello();
        raw.ws.sendBinary(ByteBuffer.wrap(new byte[800]), false).get(5, TimeUnit.SECONDS);
        raw.ws.sendBinary(ByteBuffer.wrap(new byte[800]), true);
        assertThat(raw.closed.get(10, TimeUnit.SECONDS)).startsWith("1009");
        assertThat(bystander.increment(1)).isPositive();
    }

    @Test
    void fragmentedMessageWithinTheLimitIsReassembled() throws Exception {
        RawWebSocket raw = rawAfterHello();
        // CALL id 0, method 0 (increment), int 7 — split over two frames.
        byte[] call = {FrameType.CALL, 0, 0};
        raw.ws.sendBinary(ByteBuffer.wrap(call), false).get(5, TimeUnit.SECONDS);
        io.netty.buffer.ByteBuf argBuf = io.netty.buffer.Unpooled.buffer();
        new dev.hardlight.internal.codec.ByteBufWireWriter(argBuf).writeInt(7);
        byte[] argBytes = new byte[argBuf.readableBytes()];
        argBuf.readBytes(argBytes);
        raw.ws.sendBinary(ByteBuffer.wrap(argBytes), true).get(5, TimeUnit.SECONDS);
        assertThat(raw.take()[0]).isEqualTo((byte) FrameType.RESULT);
        raw.ws.abort();
    }
}
