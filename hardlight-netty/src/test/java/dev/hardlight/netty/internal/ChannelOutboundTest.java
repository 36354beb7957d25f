package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import dev.hardlight.netty.SlowConsumerPolicy;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The write queue: one flush per drain, nothing after the close frame, every buffer released. */
@Timeout(10)
class ChannelOutboundTest {
    /** Counts flushes reaching the head of the pipeline. */
    static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private static ByteBuf frame(int value) {
        return Unpooled.buffer(4).writeInt(value);
    }

    @Test
    void framesSentTogetherAreFlushedOnce() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = new EmbeddedChannel(counter);
        ChannelOutbound out = new ChannelOutbound(ch, false);
        for (int i = 0; i < 3; i++) {
            out.send(frame(i));
        }
        assertThat((Object) ch.readOutbound()).as("nothing written before the drain runs").isNull();
        ch.runPendingTasks();
        for (int i = 0; i < 3; i++) {
            BinaryWebSocketFrame f = ch.readOutbound();
            assertThat(f.content().readInt()).isEqualTo(i);
            f.release();
        }
        assertThat(counter.flushes).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void framesSentOnTheLoopDuringAReadSkipTheQueueAndAreFlushedOnceWhenItEnds() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = new EmbeddedChannel(counter);
        ChannelOutbound out = new ChannelOutbound(ch, false);
        out.readStarted();
        out.send(frame(1));
        out.send(frame(2));
        assertThat(ch.hasPendingTasks()).as("no drain task").isFalse();
        assertThat((Object) ch.readOutbound()).as("written, not flushed, during the read").isNull();
        out.readComplete();
        for (int i = 1; i <= 2; i++) {
            BinaryWebSocketFrame f = ch.readOutbound();
            assertThat(f.content().readInt()).isEqualTo(i);
            f.release();
        }
        assertThat(counter.flushes).isEqualTo(1);
        out.readStarted();
        out.readComplete();
        assertThat(counter.flushes).as("nothing written, nothing flushed").isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aFrameSentDuringAReadQueuesBehindFramesAlreadyQueued() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelOutbound out = new ChannelOutbound(ch, false);
        out.send(frame(1)); // not in a read: queued for the drain task
        out.readStarted();
        out.send(frame(2));
        out.readComplete();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.runPendingTasks();
        for (int i = 1; i <= 2; i++) {
            BinaryWebSocketFrame f = ch.readOutbound();
            assertThat(f.content().readInt()).isEqualTo(i);
            f.release();
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void closeWritesQueuedFramesThenTheCloseFrameThenDropsTheRest() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelOutbound out = new ChannelOutbound(ch, false);
        out.send(frame(1));
        out.close(1001, "going away");
        ByteBuf late = frame(2);
        out.send(late);
        ch.runPendingTasks();
        BinaryWebSocketFrame first = ch.readOutbound();
        assertThat(first.content().readInt()).isEqualTo(1);
        first.release();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1001);
        assertThat(close.reasonText()).isEqualTo("going away");
        close.release();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(late.refCnt()).as("a frame after close is released").isZero();
        assertThat(ch.isOpen()).isFalse();
        assertThat(out.isOpen()).isFalse();
    }

    @Test
    void framesQueuedWhenTheChannelClosesAreReleased() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelOutbound out = new ChannelOutbound(ch, false);
        ByteBuf queued = frame(1);
        out.send(queued);
        out.markClosed();
        assertThat(queued.refCnt()).isZero();
        ByteBuf after = frame(2);
        out.send(after);
        assertThat(after.refCnt()).isZero();
        ch.runPendingTasks();
        Object written = ch.readOutbound();
        ReferenceCountUtil.release(written);
        assertThat(written).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void clientWaitsForTheCloseAnswer() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelOutbound out = new ChannelOutbound(ch, true);
        out.close(1000, "bye");
        ch.runPendingTasks();
        CloseWebSocketFrame close = ch.readOutbound();
        close.release();
        assertThat(ch.isOpen()).as("open until the server answers or a second passes").isTrue();
        assertThat(out.answerClose(1000)).as("the answer to our close is not answered").isFalse();
        ch.close();
    }

    private static ByteBuf sized(int bytes) {
        return Unpooled.buffer(bytes).writeZero(bytes);
    }

    private static void releaseWritten(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Test
    void eventsOverTheHighWaterMarkAreDroppedButAnswersNever() {
        EmbeddedChannel ch = new EmbeddedChannel();
        SlowConsumer limit = new SlowConsumer(100, SlowConsumerPolicy.DROP_EVENTS, new LongAdder());
        ChannelOutbound out = new ChannelOutbound(ch, false, limit, "[test] ");
        assertThat(out.offerEvent(sized(60))).isTrue();
        assertThat(out.queuedBytes()).isEqualTo(60);
        ByteBuf refused = sized(60);
        assertThat(out.offerEvent(refused)).as("60 + 60 > 100").isFalse();
        assertThat(refused.refCnt()).as("a refused event is released").isZero();
        ByteBuf answer = sized(60);
        out.send(answer); // never refused
        assertThat(out.queuedBytes()).isEqualTo(120);
        assertThat(out.offerEvent(sized(1))).isFalse();
        assertThat(out.droppedEvents()).isEqualTo(2);
        assertThat(limit.dropped().sum()).isEqualTo(2);
        ch.runPendingTasks();
        releaseWritten(ch);
        assertThat(out.queuedBytes()).as("written: nothing queued").isZero();
        assertThat(out.offerEvent(sized(100))).as("room again once written").isTrue();
        assertThat(out.isOpen()).isTrue();
        ch.runPendingTasks();
        releaseWritten(ch);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anEventLargerThanTheMarkStillGoesToAnIdleConnection() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelOutbound out = new ChannelOutbound(ch, false,
                new SlowConsumer(100, SlowConsumerPolicy.DROP_EVENTS, new LongAdder()), "[test] ");
        assertThat(out.offerEvent(sized(500))).isTrue();
        assertThat(out.offerEvent(sized(1))).isFalse();
        ch.runPendingTasks();
        releaseWritten(ch);
        ch.finishAndReleaseAll();
    }

    @Test
    void disconnectPolicyClosesWith1008() {
        EmbeddedChannel ch = new EmbeddedChannel();
        SlowConsumer limit = new SlowConsumer(100, SlowConsumerPolicy.DISCONNECT, new LongAdder());
        ChannelOutbound out = new ChannelOutbound(ch, false, limit, "[test] ");
        ByteBuf first = sized(80);
        assertThat(out.offerEvent(first)).isTrue();
        ByteBuf refused = sized(80);
        assertThat(out.offerEvent(refused)).isFalse();
        assertThat(refused.refCnt()).isZero();
        assertThat(out.isClosing()).isTrue();
        ByteBuf late = sized(10);
        assertThat(out.offerEvent(late)).as("closing: no more events").isFalse();
        assertThat(late.refCnt()).isZero();
        assertThat(limit.dropped().sum()).as("only the event that hit the mark counts").isEqualTo(1);
        ch.runPendingTasks();
        BinaryWebSocketFrame queued = ch.readOutbound();
        assertThat(queued.content().readableBytes()).isEqualTo(80);
        queued.release();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText()).startsWith("slow consumer: ");
        close.release();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void eventsQueuedWhenTheChannelClosesAreReleased() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelOutbound out = new ChannelOutbound(ch, false,
                new SlowConsumer(1000, SlowConsumerPolicy.DROP_EVENTS, new LongAdder()), "[test] ");
        ByteBuf shared = sized(10);
        assertThat(out.offerEvent(shared.retainedDuplicate())).isTrue();
        assertThat(out.offerEvent(shared.retainedDuplicate())).isTrue();
        out.markClosed();
        assertThat(out.queuedBytes()).isZero();
        assertThat(out.offerEvent(shared.retainedDuplicate())).isFalse();
        assertThat(shared.refCnt()).as("only the emitter's own reference is left").isEqualTo(1);
        shared.release();
        ch.finishAndReleaseAll();
    }
}
