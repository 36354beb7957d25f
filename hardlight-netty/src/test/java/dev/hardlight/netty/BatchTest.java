package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.protocol.Frame;
import dev.hardlight.internal.protocol.FrameType;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BATCH over a real socket (docs/protocol.md 3.8): the server announces it in its HELLO, handles a
 * client's BATCH frame by frame, and answers a client that batches with BATCH messages: the answers
 * written while it handles one read leave as one message.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class BatchTest {
    static TestServer server;
    static CounterClient bystander;

    @BeforeAll
    static void start() {
        // @NonBlocking handlers inline: the answers to one read are written during it, so they are
        // deterministically one BATCH.
        server = TestServer.start(b -> b.inlineNonBlockingHandlers(true));
        bystander = server.connect();
    }

    @AfterAll
    static void stop() {
        bystander.close();
        server.close();
    }

    /** A raw connection after the HELLO, and the server's id of {@code increment}. */
    private record Raw(RawWebSocket ws, int increment) {}

    private static Raw connect() throws Exception {
        RawWebSocket raw = RawWebSocket.connect(server.uri());
        Hello hello = Frames.readHello(Unpooled.wrappedBuffer(raw.take()));
        assertThat(hello.extensions()).as("HELLO announces BATCH (extension 5, empty)")
                .contains(new Hello.Extension(Frames.BATCH_HELLO_EXTENSION, new byte[0]));
        int id = hello.methods().stream().filter(m -> m.name().equals("increment")).findFirst().orElseThrow().id();
        return new Raw(raw, id);
    }

    private static byte[] call(int callId, int methodId, int amount) {
        ByteBuf b = Unpooled.buffer();
        new Frame.Call(callId, methodId, new byte[] {(byte) (amount << 1)}).encode(b);
        return ByteBufUtil.getBytes(b);
    }

    private static void send(RawWebSocket raw, byte[] message) throws Exception {
        raw.ws.sendBinary(ByteBuffer.wrap(message), true).get(5, TimeUnit.SECONDS);
    }

    private static byte[] batch(List<byte[]> frames) {
        List<ByteBuf> bufs = new ArrayList<>();
        frames.forEach(f -> bufs.add(Unpooled.wrappedBuffer(f)));
        ByteBuf b = Unpooled.buffer();
        Frames.writeBatch(b, bufs);
        return ByteBufUtil.getBytes(b);
    }

    private static Frame decode(byte[] message) {
        ByteBuf b = Unpooled.wrappedBuffer(message);
        Frame f = Frame.decode(b);
        return f;
    }

    @Test
    void aClientThatBatchesGetsItsAnswersAsOneBatch() throws Exception {
        Raw raw = connect();
        // Before the client batches, answers are single frames.
        send(raw.ws(), call(0, raw.increment(), 0));
        assertThat(decode(raw.ws().take())).isInstanceOf(Frame.Result.class);
        // A BATCH of 3 calls (increment is @NonBlocking, run inline: answered within the same read).
        send(raw.ws(), batch(List.of(call(0, raw.increment(), 1), call(1, raw.increment(), 1), call(2, raw.increment(), 1))));
        Frame answer = decode(raw.ws().take());
        assertThat(answer).isInstanceOf(Frame.Batch.class);
        List<Frame> inner = ((Frame.Batch) answer).frames();
        assertThat(inner).hasSize(3).allSatisfy(f -> assertThat(f).isInstanceOf(Frame.Result.class));
        assertThat(inner.stream().map(f -> ((Frame.Result) f).callId()).toList()).containsExactly(0, 1, 2);
        // A lone call after that is still answered (as a single frame: nothing to pack it with).
        send(raw.ws(), call(3, raw.increment(), 1));
        Frame single = decode(raw.ws().take());
        assertThat(single).isInstanceOf(Frame.Result.class);
        assertThat(((Frame.Result) single).callId()).isEqualTo(3);
        assertThat(raw.ws().binary).isEmpty();
        raw.ws().ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aBatchOfTheMostFramesIsAnsweredInFull() throws Exception {
        Raw raw = connect();
        List<byte[]> calls = new ArrayList<>();
        for (int i = 0; i < Frames.MAX_BATCH_FRAMES; i++) {
            calls.add(call(i, raw.increment(), 0));
        }
        send(raw.ws(), batch(calls));
        List<Integer> ids = new ArrayList<>();
        while (ids.size() < Frames.MAX_BATCH_FRAMES) {
            Frame f = decode(raw.ws().take());
            List<Frame> frames = f instanceof Frame.Batch b ? b.frames() : List.of(f);
            frames.forEach(x -> ids.add(((Frame.Result) x).callId()));
        }
        assertThat(ids).hasSize(Frames.MAX_BATCH_FRAMES).doesNotHaveDuplicates();
        raw.ws().ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void anObserverSeesEachCallOfABatch() throws Exception {
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
        RpcObserver observer = new RpcObserver() {
            @Override
            public Object callStarted(String service, String method) {
                started.incrementAndGet();
                return null;
            }

            @Override
            public void callCompleted(Object context, String service, String method, dev.hardlight.Status status, long durationNanos) {
                completed.incrementAndGet();
            }
        };
        try (TestServer observed = TestServer.start(b -> b.inlineNonBlockingHandlers(true).observer(observer))) {
            RawWebSocket raw = RawWebSocket.connect(observed.uri());
            Hello hello = Frames.readHello(Unpooled.wrappedBuffer(raw.take()));
            int id = hello.methods().stream().filter(m -> m.name().equals("increment")).findFirst().orElseThrow().id();
            send(raw, batch(List.of(call(0, id, 1), call(1, id, 1), call(2, id, 1), call(3, id, 1))));
            assertThat(((Frame.Batch) decode(raw.take())).frames()).hasSize(4);
            Await.until("4 calls observed", java.time.Duration.ofSeconds(5), () -> started.get() == 4 && completed.get() == 4);
            raw.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMalformedBatchClosesWith1002AndOthersKeepWorking() throws Exception {
        int before = bystander.increment(0);
        Raw raw = connect();
        send(raw.ws(), new byte[] {FrameType.BATCH, 1, 2, FrameType.CANCEL, 0});
        assertThat(raw.ws().closed.get(10, TimeUnit.SECONDS)).startsWith("1002 ").contains("BATCH: count 1");
        Raw nested = connect();
        send(nested.ws(), new byte[] {FrameType.BATCH, 2, 2, FrameType.CANCEL, 0, 3, FrameType.BATCH, 0, 0});
        assertThat(nested.ws().closed.get(10, TimeUnit.SECONDS)).startsWith("1002 ").contains("BATCH inside a BATCH");
        assertThat(bystander.increment(1)).isEqualTo(before + 1);
    }
}
