package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
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
}
